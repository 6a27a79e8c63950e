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


class SeedDemoHomeVisitsTest(TestCase):
    """Issue 15: the demo's district nurses have visit blocks on weekday afternoons, and two demo
    residents are due a home visit (8th month, after birth) that they can ask for at once."""

    def test_district_nurses_have_weekday_afternoon_blocks_and_residents_can_ask(self) -> None:
        from django.utils import timezone

        from scheduling.contact_models import Contact
        from scheduling.home_visit_models import HomeVisit, VisitBlock
        from scheduling.home_visit_services import home_visit_request
        from scheduling.models import Pregnancy

        out = StringIO()
        call_command("seed_demo", "--nurses", "16", "--residents", "2", stdout=out)
        today = timezone.localdate()
        blocks = VisitBlock.objects.filter(date__gt=today).select_related("nurse__user")
        self.assertEqual(
            {b.nurse.user.email for b in blocks},
            {f"nurse{n}@katsushika.example" for n in (13, 14, 15, 16)},
        )
        self.assertTrue(all(b.date.weekday() < 5 for b in blocks))
        self.assertTrue(all(b.start_time.hour >= 12 for b in blocks))
        self.assertGreaterEqual(blocks.count(), 4 * 15)
        self.assertIn("090-2000-0001", out.getvalue())
        day = min(b.date for b in blocks)
        for phone, code in (("+819020000001", "late-visit"), ("+819020000002", "baby-visit")):
            pregnancy = Pregnancy.objects.get(resident__phone=phone)
            contact = Contact.objects.get(municipality__code="katsushika", code=code)
            visit = home_visit_request(pregnancy=pregnancy, contact=contact, date=day, half="pm")
            self.assertEqual(visit.status, HomeVisit.Status.REQUESTED)
        # Seeding again makes no second block on the same afternoons.
        count = VisitBlock.objects.count()
        call_command("seed_demo", "--nurses", "16", "--residents", "2", stdout=StringIO())
        self.assertEqual(VisitBlock.objects.count(), count)
        self.assertEqual(Pregnancy.objects.filter(resident__phone="+819020000001").count(), 1)
