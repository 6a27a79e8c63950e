"""Retention (APPI): a municipality keeps a resident's data for its retention period after her
last contact (today: her latest interview or booking, or when she registered), then
`retention_purge` removes who she was: name, phone, email, sign-in, notes, message recipients,
and the access-log rows about her. The report figures stay: the rows they count remain,
anonymised, so a past month's utilisation reads the same after the purge."""

from __future__ import annotations

import dataclasses
import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command

from notifications.models import Message
from scheduling.models import AccessLog, Booking, Pregnancy, Resident, User
from scheduling.reports import utilisation_report
from scheduling.retention import retention_counts, retention_purge
from scheduling.services import booking_create
from tests.base import NOW, BaseTestCase, tokyo

PAST_INTERVIEW = tokyo(2026, 12, 3, 10)
LATER = NOW + dt.timedelta(days=380)  # her interview was 378 days before


class RetentionPurgeTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.w.katsushika.retention_days = 365
        self.w.katsushika.save()
        self.booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=PAST_INTERVIEW,
            pregnancy=self.w.hanako_pregnancy,
            notify_email=True,
        )
        Booking.objects.filter(pk=self.booking.pk).update(staff_notes="つわりがひどい")
        Pregnancy.objects.filter(pk=self.w.hanako_pregnancy.pk).update(
            handbook_number="123-456", notes="初めての妊娠で不安", due_date=dt.date(2027, 5, 1)
        )
        AccessLog.objects.create(user=self.w.admin_abe, resident=self.w.hanako, booking=None)
        AccessLog.objects.create(user=self.w.admin_abe, booking=self.booking)
        # Mei booked a week before LATER: she is well within the period.
        self.recent = self.book_mei_at(LATER - dt.timedelta(days=7))

    def book_mei_at(self, when: dt.datetime) -> Booking:
        with time_machine.travel(when - dt.timedelta(days=3), tick=False):
            start = tokyo(when.year, when.month, when.day, 10)
            while start.weekday() >= 5:
                start += dt.timedelta(days=1)
            return booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=start,
                pregnancy=self.w.mei_pregnancy,
            )

    def report(self) -> dict[str, object]:
        report = utilisation_report(
            site_ids=[self.w.aoto.id],
            date_from=dt.date(2026, 12, 1),
            date_to=dt.date(2026, 12, 31),
            now=LATER,
            include_next_free=False,
        )
        figures = dataclasses.asdict(report)
        figures.pop("generated_at")
        return figures

    def test_nothing_is_due_before_the_period_has_passed(self) -> None:
        counts = retention_counts(municipality=self.w.katsushika, now=NOW + dt.timedelta(days=300))
        self.assertEqual(counts.residents, 0)

    def test_the_dry_run_counts_what_is_due_and_changes_nothing(self) -> None:
        out = StringIO()
        with time_machine.travel(LATER, tick=False):
            call_command("retention_purge", "--dry-run", stdout=out)
        self.assertIn("katsushika", out.getvalue())
        self.assertIn("residents 1", out.getvalue())
        self.assertIn("bookings 1", out.getvalue())
        self.assertIn("access-log rows 2", out.getvalue())
        self.assertIn("dry run", out.getvalue())
        self.w.hanako.refresh_from_db()
        self.assertEqual(self.w.hanako.name, "山田 花子")
        self.assertEqual(AccessLog.objects.count(), 2)

    def test_the_purge_removes_who_she_was(self) -> None:
        with time_machine.travel(LATER, tick=False):
            call_command("retention_purge", stdout=StringIO())
        resident = Resident.objects.get(pk=self.w.hanako.pk)
        self.assertEqual((resident.name, resident.phone, resident.email), ("", "", ""))
        self.assertIsNotNone(resident.anonymised_at)
        user = User.objects.get(pk=resident.user_id)
        self.assertEqual((user.email, user.phone, user.display_name), (None, None, ""))
        self.assertFalse(user.is_active)
        self.assertFalse(user.has_usable_password())
        pregnancy = Pregnancy.objects.get(pk=self.w.hanako_pregnancy.pk)
        self.assertEqual((pregnancy.handbook_number, pregnancy.notes), ("", ""))
        booking = Booking.objects.get(pk=self.booking.pk)
        self.assertEqual(booking.staff_notes, "")
        for message in Message.objects.filter(booking=booking):
            self.assertEqual((message.recipient, message.context), ("", {}))
        self.assertFalse(AccessLog.objects.filter(resident=resident).exists())
        self.assertFalse(AccessLog.objects.filter(booking=booking).exists())

    def test_a_resident_within_the_period_and_other_municipalities_are_untouched(self) -> None:
        with time_machine.travel(LATER, tick=False):
            retention_purge(municipality=self.w.katsushika, now=LATER)
        self.w.mei.refresh_from_db()
        self.assertEqual(self.w.mei.name, "林 芽依")
        self.assertIsNone(self.w.mei.anonymised_at)

    def test_without_a_retention_period_nothing_is_purged(self) -> None:
        self.w.katsushika.retention_days = None
        self.w.katsushika.save()
        counts = retention_purge(municipality=self.w.katsushika, now=LATER)
        self.assertEqual(counts.residents, 0)
        self.w.hanako.refresh_from_db()
        self.assertEqual(self.w.hanako.name, "山田 花子")

    def test_the_report_figures_are_the_same_after_the_purge(self) -> None:
        before = self.report()
        retention_purge(municipality=self.w.katsushika, now=LATER)
        self.assertEqual(self.report(), before)
        self.assertEqual(before["totals"]["booked_slots"], 1)
        self.assertEqual(before["totals"]["gestation_count"], 1)

    def test_a_second_run_finds_nothing_more(self) -> None:
        retention_purge(municipality=self.w.katsushika, now=LATER)
        again = retention_counts(municipality=self.w.katsushika, now=LATER)
        self.assertEqual((again.residents, again.access_log_rows), (0, 0))
