"""The calendar settings page: a nurse manages her feed address and her external calendars; an
administrator can do it for her; nobody else gets anything but 404."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from scheduling.calendars.services import nurse_feed_rotate
from scheduling.models import BusyBlock, ExternalCalendar, Nurse, Site
from tests.base import BaseTestCase
from tests.staff.helpers import sign_in_with_mfa

from .helpers import LoopbackServer, send_body

URL = "/calendar/settings/"
ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
    b"DTSTAMP:20261130T000000Z\r\nDTSTART;TZID=Asia/Tokyo:20261202T090000\r\n"
    b"DTEND;TZID=Asia/Tokyo:20261202T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


class SettingsPageTest(BaseTestCase):
    def sign_in(self, user: object) -> None:
        sign_in_with_mfa(self.client, user)  # type: ignore[arg-type]
        # The page is translated (Japanese by default); these tests read the English text.
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def test_it_needs_a_signed_in_staff_member(self) -> None:
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])
        self.client.force_login(self.w.hanako.user)
        self.assertEqual(self.client.get(URL).status_code, 404)

    def test_a_nurse_sees_her_page_with_a_fixed_number_of_queries(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        for i in range(3):
            ExternalCalendar.objects.create(
                nurse=self.w.nurse_sato,
                name=f"cal {i}",
                url="https://example.com/x.ics",
                last_error="http_status: 500",
            )
        response = self.client.get(URL)
        self.assertContains(response, "cal 2")
        self.assertContains(response, "The calendar server answered with an error. (500)")
        self.assertEqual(response["Cache-Control"], "no-store")
        ExternalCalendar.objects.create(
            nurse=self.w.nurse_sato, name="one more", url="https://example.com/y.ics"
        )
        with self.assertNumQueries(self._queries_for_page()):
            self.client.get(URL)

    def _queries_for_page(self) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as first:
            self.client.get(URL)
        ExternalCalendar.objects.create(
            nurse=self.w.nurse_sato, name="yet another", url="https://example.com/z.ics"
        )
        return len(first)

    def test_rotating_shows_the_address_once_and_it_works(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        response = self.client.post("/calendar/settings/feed/rotate/")
        self.assertEqual(response.status_code, 200)
        feed_url = response.context["new_feed_url"]
        self.assertContains(response, feed_url)
        path = feed_url.split("8000", 1)[-1] if "8000" in feed_url else feed_url
        self.assertEqual(self.client.get(path).status_code, 200)
        again = self.client.get(URL)
        self.assertNotContains(again, feed_url)
        self.assertContains(again, "A feed address is active")

    def test_revoking_switches_the_address_off(self) -> None:
        token = nurse_feed_rotate(nurse=self.w.nurse_sato)
        self.sign_in(self.w.nurse_sato.user)
        response = self.client.post("/calendar/settings/feed/revoke/")
        self.assertRedirects(response, URL, fetch_redirect_response=False)
        self.assertEqual(self.client.get(f"/calendar/nurse/{token}.ics").status_code, 404)
        self.assertEqual(Nurse.objects.get(pk=self.w.nurse_sato.pk).feed_token_hash, "")

    def test_adding_an_http_or_private_address_is_refused_in_plain_words(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        for url, message in [
            ("http://calendar.example.com/x.ics", "Enter the calendar"),
            ("not a url", "Enter the calendar"),
            ("https://10.0.0.1/x.ics", "network that may not be used"),
        ]:
            response = self.client.post(
                "/calendar/settings/calendars/add/", {"name": "Work", "url": url}
            )
            self.assertEqual(response.status_code, 400, url)
            self.assertContains(response, message, status_code=400)
            self.assertContains(response, "Work", status_code=400)  # what she typed stays
        self.assertFalse(ExternalCalendar.objects.exists())

    @override_settings(CALENDAR_FETCH_ALLOW_LOOPBACK=True, CALENDAR_FETCH_TIMEOUT=2)
    def test_adding_an_address_and_syncing_it_now_imports_busy_times(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        with LoopbackServer() as server:
            server.routes["/cal.ics"] = send_body(ICS)
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(
                    "/calendar/settings/calendars/add/",
                    {"name": "Work", "url": server.url("/cal.ics")},
                )
            self.assertEqual(response.status_code, 302)
            calendar = ExternalCalendar.objects.get(nurse=self.w.nurse_sato)
            BusyBlock.objects.all().delete()
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(f"/calendar/settings/calendars/{calendar.pk}/sync/")
            self.assertEqual(response.status_code, 302)
        self.assertEqual(BusyBlock.objects.filter(calendar=calendar).count(), 1)

    def test_uploading_a_calendar_file_imports_it(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        upload = SimpleUploadedFile("home.ics", ICS, content_type="text/calendar")
        with self.captureOnCommitCallbacks(execute=True):  # the import the upload queued
            response = self.client.post("/calendar/settings/calendars/upload/", {"file": upload})
        self.assertEqual(response.status_code, 302)
        calendar = ExternalCalendar.objects.get(nurse=self.w.nurse_sato)
        self.assertEqual(calendar.name, "home.ics")
        self.assertEqual(calendar.block_count, 1)

    def test_a_bad_upload_gets_a_clear_error_never_a_500(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        for content in [b"\xff\xfe\x00garbage", b"<html>hello</html>", b""]:
            upload = SimpleUploadedFile("x.ics", content, content_type="text/calendar")
            response = self.client.post("/calendar/settings/calendars/upload/", {"file": upload})
            self.assertEqual(response.status_code, 400, content)
            self.assertContains(response, "error-text", status_code=400)
        with override_settings(CALENDAR_FETCH_MAX_BYTES=100):
            upload = SimpleUploadedFile("big.ics", ICS, content_type="text/calendar")
            response = self.client.post("/calendar/settings/calendars/upload/", {"file": upload})
            self.assertContains(response, "too large", status_code=400)
        self.assertFalse(ExternalCalendar.objects.exists())

    def test_removing_a_calendar_removes_its_busy_times(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        upload = SimpleUploadedFile("home.ics", ICS, content_type="text/calendar")
        self.client.post("/calendar/settings/calendars/upload/", {"file": upload})
        calendar = ExternalCalendar.objects.get()
        response = self.client.post(f"/calendar/settings/calendars/{calendar.pk}/remove/")
        self.assertEqual(response.status_code, 302)
        self.assertFalse(ExternalCalendar.objects.exists())
        self.assertFalse(BusyBlock.objects.exists())

    def test_another_nurse_cannot_touch_her_calendars(self) -> None:
        calendar = ExternalCalendar.objects.create(
            nurse=self.w.nurse_sato, name="mine", url="https://example.com/x.ics"
        )
        self.sign_in(self.w.nurse_ito.user)
        for action in ("sync", "remove"):
            response = self.client.post(f"/calendar/settings/calendars/{calendar.pk}/{action}/")
            self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.get(f"{URL}?nurse={self.w.nurse_sato.pk}").status_code, 404)
        self.assertTrue(ExternalCalendar.objects.filter(pk=calendar.pk).exists())

    def test_an_administrator_manages_a_nurses_calendars_with_the_nurse_parameter(self) -> None:
        self.sign_in(self.w.admin_abe)
        page = self.client.get(f"{URL}?nurse={self.w.nurse_sato.pk}")
        self.assertContains(page, self.w.nurse_sato.name)
        response = self.client.post(f"/calendar/settings/feed/rotate/?nurse={self.w.nurse_sato.pk}")
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(Nurse.objects.get(pk=self.w.nurse_sato.pk).feed_token_hash, "")
        self.assertEqual(self.client.get(f"{URL}?nurse=abc").status_code, 404)

    def test_an_administrator_of_another_municipality_gets_404(self) -> None:
        self.sign_in(self.w.admin_ogawa)
        self.assertEqual(self.client.get(f"{URL}?nurse={self.w.nurse_sato.pk}").status_code, 404)
        response = self.client.post(f"/calendar/settings/feed/rotate/?nurse={self.w.nurse_sato.pk}")
        self.assertEqual(response.status_code, 404)
        response = self.client.post(f"/calendar/settings/sites/{self.w.aoto.pk}/feed/rotate/")
        self.assertEqual(response.status_code, 404)

    def test_a_manager_publishes_her_sites_feed_but_not_another_sites(self) -> None:
        self.sign_in(self.w.manager_mori)
        page = self.client.get(URL)
        self.assertContains(page, self.w.aoto.name)
        self.assertNotContains(page, self.w.niccowa.name)
        response = self.client.post(f"/calendar/settings/sites/{self.w.aoto.pk}/feed/rotate/")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/calendar/site/", response.context["new_site_feed_url"])
        self.assertNotEqual(Site.objects.get(pk=self.w.aoto.pk).feed_token_hash, "")
        refused = self.client.post(f"/calendar/settings/sites/{self.w.niccowa.pk}/feed/rotate/")
        self.assertEqual(refused.status_code, 404)
        self.client.post(f"/calendar/settings/sites/{self.w.aoto.pk}/feed/revoke/")
        self.assertEqual(Site.objects.get(pk=self.w.aoto.pk).feed_token_hash, "")

    def test_a_nurse_cannot_publish_a_site_feed(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        response = self.client.post(f"/calendar/settings/sites/{self.w.aoto.pk}/feed/rotate/")
        self.assertEqual(response.status_code, 404)
