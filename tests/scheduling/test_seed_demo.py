"""The demo: Katsushika's 12 real sites, and a second municipality made by configuration only."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from scheduling.models import Booking, Municipality, Nurse, Site


class SeedDemoTest(TestCase):
    def test_it_creates_katsushika_and_a_second_municipality_and_prints_logins(self) -> None:
        out = StringIO()
        call_command("seed_demo", "--nurses", "12", "--residents", "6", stdout=out)
        self.assertEqual(Site.objects.filter(municipality__code="katsushika").count(), 12)
        self.assertEqual(Municipality.objects.count(), 2)
        self.assertTrue(Nurse.objects.filter(municipality__code="sakuragawa").exists())
        self.assertIn("admin@katsushika.example", out.getvalue())
        the_six = [f"+8190{10000000 + i:08d}" for i in range(6)]
        self.assertEqual(
            Booking.objects.filter(
                status="confirmed", pregnancy__resident__phone__in=the_six
            ).count(),
            6,
        )

    def test_it_is_idempotent(self) -> None:
        call_command("seed_demo", "--nurses", "12", "--residents", "6", stdout=StringIO())
        counts = (Site.objects.count(), Nurse.objects.count(), Booking.objects.count())
        call_command("seed_demo", "--nurses", "12", "--residents", "6", stdout=StringIO())
        self.assertEqual(
            (Site.objects.count(), Nurse.objects.count(), Booking.objects.count()), counts
        )

    def test_the_real_site_rules_from_the_domain_are_configured(self) -> None:
        call_command("seed_demo", "--nurses", "12", "--residents", "0", stdout=StringIO())
        eki = Site.objects.get(code="eki-niccowa")
        self.assertEqual((eki.min_notice_days, str(eki.last_start_time)), (4, "18:15:00"))
        niccowa = Site.objects.get(code="niccowa")
        self.assertEqual(niccowa.closed_nth_weekdays, [[2, 6]])
        self.assertEqual(Site.objects.get(code="kosuge").year_end_start, "12-28")
