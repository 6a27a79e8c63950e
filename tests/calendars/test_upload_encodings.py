"""Uploads and fetched bodies are read the same way: folded lines are joined on the bytes first
(RFC 5545 folds at 75 octets, which may fall inside a UTF-8 character), then the text is decoded
as UTF-8 or the legacy encoding it is in (Shift_JIS from Japanese Outlook and groupware)."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings

from scheduling.calendars import expand
from scheduling.calendars.services import calendar_sync
from scheduling.models import BusyBlock, ExternalCalendar
from tests.base import NOW, BaseTestCase, tokyo
from tests.staff.helpers import sign_in_with_mfa

from .helpers import LoopbackServer, send_body

UPLOAD = "/calendar/settings/calendars/upload/"
PLACE = "葛飾区保健センター 2階 会議室"


def calendar_text(location: str = PLACE) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook 16.0//JA\r\n"
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20261130T000000Z\r\n"
        "DTSTART;TZID=Asia/Tokyo:20261202T090000\r\nDTEND;TZID=Asia/Tokyo:20261202T100000\r\n"
        f"LOCATION:{location}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def folded_inside_a_character() -> bytes:
    """The LOCATION line folded after the first byte of 保 (E4 BF 9D), as RFC 5545 allows."""
    body = calendar_text().encode()
    cut = body.index("保".encode()) + 1
    return body[:cut] + b"\r\n " + body[cut:]


class UploadEncodingsTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        sign_in_with_mfa(self.client, self.w.nurse_sato.user)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def upload(self, content: bytes) -> ExternalCalendar:
        upload = SimpleUploadedFile("outlook.ics", content, content_type="text/calendar")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(UPLOAD, {"file": upload})
        self.assertEqual(response.status_code, 302, response.content[:3000])
        calendar = ExternalCalendar.objects.get(nurse=self.w.nurse_sato)
        self.assertEqual(calendar.last_error, "")
        self.assertEqual(
            list(BusyBlock.objects.filter(calendar=calendar).values_list("start", "end")),
            [(tokyo(2026, 12, 2, 9), tokyo(2026, 12, 2, 10))],
        )
        return calendar

    def test_a_fold_inside_a_utf8_character_is_joined_before_decoding(self) -> None:
        self.upload(folded_inside_a_character())

    def test_a_shift_jis_export_is_imported(self) -> None:
        self.upload(calendar_text().encode("shift_jis"))

    def test_euc_jp_and_iso_2022_jp_exports_are_imported(self) -> None:
        for encoding in ("euc_jp", "iso2022_jp"):
            with self.subTest(encoding):
                self.upload(calendar_text().encode(encoding))
                ExternalCalendar.objects.all().delete()


class DecodeTest(SimpleTestCase):
    def test_the_text_comes_out_whole_in_every_encoding(self) -> None:
        for encoding in ("utf-8", "utf-8-sig", "shift_jis", "cp932", "euc_jp", "iso2022_jp"):
            with self.subTest(encoding):
                self.assertIn(PLACE, expand.decode(calendar_text().encode(encoding)))
        self.assertIn(PLACE, expand.decode(folded_inside_a_character()))
        self.assertIn(PLACE, expand.decode(calendar_text().encode("utf-16")))

    def test_a_file_that_is_not_a_calendar_says_so(self) -> None:
        from scheduling.calendars.errors import SyncError

        for body in (b"%PDF-1.7\n", b"<html>Sign in</html>", b"\x00\x01\x02", b""):
            with self.subTest(body[:8]), self.assertRaises(SyncError) as caught:
                expand.decode(body)
            self.assertEqual(caught.exception.code, "not_calendar")


@override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=True, CALENDAR_FETCH_TIMEOUT=1)
class FetchedEncodingsTest(BaseTestCase):
    def test_an_address_serving_shift_jis_is_read_the_same_way(self) -> None:
        with LoopbackServer() as server:
            server.routes["/cal.ics"] = send_body(
                calendar_text().encode("shift_jis"), content_type="text/calendar; charset=Shift_JIS"
            )
            calendar = ExternalCalendar.objects.create(
                nurse=self.w.nurse_sato, name="Outlook", url=server.url("/cal.ics")
            )
            result = calendar_sync(calendar=calendar, now=NOW)
        self.assertTrue(result.ok, result.error)
        self.assertEqual(result.blocks, 1)
