"""A hold confirmed: on PostgreSQL its locked read is one fixed statement over the booking's own
columns (her LINE user and her number's STOP as subqueries), keeping the site, municipality and
interview type the caller read the hold with; what her messages and the answer need is the same
as the ORM's read gave (issue 19, sixth round)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.line_models import LineFriend
from notifications.models import SmsOptOut
from scheduling.models import Booking
from scheduling.services import booking_confirm, booking_hold
from tests.base import BaseTestCase, tokyo

START = tokyo(2026, 12, 8, 10)


class HoldConfirmedInOnePreparedReadTest(BaseTestCase):
    def _hold_as_the_api_reads_it(self) -> Booking:
        hold = booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=START)
        return Booking.objects.select_related("site__municipality", "interview_type").get(
            pk=hold.pk
        )

    def _confirm(self, hold: Booking, **options: object) -> tuple[Booking, list[str]]:
        with CaptureQueriesContext(connection) as seen:
            booking = booking_confirm(
                booking=hold,
                pregnancy=self.w.hanako_pregnancy,
                **options,  # type: ignore[arg-type]
            )
        return booking, [q["sql"] for q in seen.captured_queries]

    def test_the_locked_read_reads_the_booking_only_and_keeps_the_callers_site_and_type(
        self,
    ) -> None:
        hold = self._hold_as_the_api_reads_it()
        booking, statements = self._confirm(hold, notify_email=True)
        self.assertEqual(booking.status, Booking.Status.CONFIRMED)
        self.assertEqual(booking.site, self.w.aoto)
        self.assertEqual(booking.municipality, self.w.katsushika)
        if connection.vendor == "postgresql":
            self.assertIs(booking.site, hold.site)
            self.assertIs(booking.interview_type, hold.interview_type)
            locked = [s for s in statements if "FOR UPDATE" in s]
            self.assertEqual(len(locked), 1)
            self.assertNotIn("scheduling_site", locked[0])
            self.assertNotIn("scheduling_interviewtype", locked[0])
        stored = Booking.objects.get(pk=hold.pk)
        self.assertEqual(stored.pregnancy_id, self.w.hanako_pregnancy.pk)
        self.assertEqual(
            sorted(
                booking.messages.filter(purpose="confirmation").values_list("channel", flat=True)
            ),
            ["email", "sms"],
        )

    def test_her_line_user_and_her_numbers_stop_come_with_the_locked_read(self) -> None:
        LineFriend.objects.create(user_id="U-hanako", resident=self.w.hanako, following=True)
        booking, _ = self._confirm(self._hold_as_the_api_reads_it())
        self.assertEqual(
            list(
                booking.messages.filter(purpose="confirmation").values_list("channel", "recipient")
            ),
            [("line", "U-hanako")],
        )
        LineFriend.objects.all().delete()
        SmsOptOut.objects.create(phone=self.w.mei.phone)
        start_2 = tokyo(2026, 12, 8, 11)
        hold = booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=start_2)
        hold = Booking.objects.select_related("site__municipality", "interview_type").get(
            pk=hold.pk
        )
        booking = booking_confirm(booking=hold, pregnancy=self.w.mei_pregnancy)
        # Her number said STOP: no SMS (an email instead, as her channels decide).
        self.assertNotIn(
            "sms",
            list(booking.messages.filter(purpose="confirmation").values_list("channel", flat=True)),
        )

    def test_no_sms_wanted_asks_nothing_and_sends_no_sms(self) -> None:
        booking, _ = self._confirm(
            self._hold_as_the_api_reads_it(), notify_sms=False, notify_email=True
        )
        self.assertEqual(
            list(booking.messages.filter(purpose="confirmation").values_list("channel", flat=True)),
            ["email"],
        )

    def test_a_hold_moved_since_the_callers_read_gets_the_locked_rows_site(self) -> None:
        hold = self._hold_as_the_api_reads_it()
        Booking.objects.filter(pk=hold.pk).update(site=self.w.niccowa)
        booking, _ = self._confirm(hold)
        self.assertEqual(booking.site_id, self.w.niccowa.pk)
        self.assertEqual(booking.site, self.w.niccowa)
        self.assertEqual(booking.site.municipality, self.w.katsushika)

    def test_a_hold_read_without_its_site_is_confirmed_as_before(self) -> None:
        hold = booking_hold(site=self.w.aoto, interview_type=self.w.itype, start=START)
        booking, _ = self._confirm(Booking.objects.get(pk=hold.pk))
        self.assertEqual(booking.status, Booking.Status.CONFIRMED)
        self.assertEqual(booking.site, self.w.aoto)
        self.assertEqual(booking.interview_type, self.w.itype)
