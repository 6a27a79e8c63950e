"""The dashboard's per-contact section: table, chart and CSV as the other figures, by site or
(administrators) by district; a site manager's figures count only her sites' bookings."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.urls import reverse

from scheduling.contact_models import PregnancyContact
from scheduling.models import Booking, Pregnancy
from tests.base import tokyo
from tests.contacts.helpers import katsushika_contacts
from tests.staff.helpers import StaffTestCase

NOVEMBER = {"period": "month", "date": "2026-11-15"}


class DashboardContactsSectionTests(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        self.c = katsushika_contacts(w)
        Pregnancy.objects.update(notified_on=dt.date(2026, 4, 1))
        for site, nurse, day in ((w.aoto, w.nurse_sato, 5), (w.niccowa, w.nurse_ito, 6)):
            p = Pregnancy.objects.create(
                resident=w.hanako, notified_on=dt.date(2026, 11, 2), due_date=dt.date(2027, 6, 1)
            )
            start = tokyo(2026, 11, day, 10)
            Booking.objects.create(
                municipality=w.katsushika,
                pregnancy=p,
                site=site,
                nurse=nurse,
                interview_type=w.itype,
                contact=self.c.first,
                start=start,
                end=start + dt.timedelta(minutes=30),
                blocked_until=start + dt.timedelta(minutes=30),
                status=Booking.Status.ATTENDED,
            )
            PregnancyContact.objects.create(
                pregnancy=p, contact=self.c.first, status="done", done_on=start.date()
            )

    def _csv(self, **params: str) -> list[list[str]]:
        response = self.client.get(
            reverse("staff:dashboard_csv"), {**NOVEMBER, "table": "contacts", **params}
        )
        self.assertEqual(response.status_code, 200)
        return list(csv.reader(io.StringIO(response.content.decode().removeprefix("\ufeff"))))

    def test_an_administrator_sees_each_contact_per_site_with_a_chart(self) -> None:
        self.sign_in(self.w.admin_abe)
        response = self.client.get(reverse("staff:dashboard"), NOVEMBER)
        self.assertContains(response, 'aria-labelledby="h-contacts"')
        self.assertIn("<svg", response.context["contacts_svg"])
        rows = self._csv()
        self.assertEqual(rows[1][:5], ["ゆりかご面接", "にこわ新小岩", "1", "1", "1"])
        self.assertEqual(rows[2][:5], ["ゆりかご面接", "青戸保健センター", "1", "1", "1"])
        self.assertEqual(rows[3][2:5], ["2", "2", "2"])  # the total

    def test_an_administrator_can_group_by_district(self) -> None:
        self.sign_in(self.w.admin_abe)
        rows = self._csv(contacts_by="district")
        self.assertEqual(rows[0][1], "地区")  # District
        self.assertEqual(rows[1][2:5], ["2", "2", "2"])  # no district recorded: one group

    def test_a_site_manager_counts_only_her_sites_bookings(self) -> None:
        self.sign_in(self.w.manager_mori)
        rows = self._csv(contacts_by="district")  # not hers to ask: by site
        self.assertEqual(rows[1][:5], ["ゆりかご面接", "青戸保健センター", "1", "1", "1"])
        totals = [r for r in rows if r[0] == "ゆりかご面接"][-1]
        self.assertEqual(totals[2], "1")
