"""The dashboard's per-contact figures (eligible, done, done within its window, median days from
falling due to done), per site and per district, checked against a fixture computed by hand.

The period is November 2026. Katsushika's contacts (tests/contacts/helpers.py): the interview at
notification, the 8th-month questionnaire (weeks 28–31), the late visit (weeks 28–36, optional)
and the baby visit (days 0–119 after birth). Due 2027-01-25 puts week 28 at 2026-11-02, week 31's
last day at 2026-11-29 and week 36's at 2027-01-03.

| pregnancy | what | counts for |
|---|---|---|
| P1 | notified 11-02, done 11-05 at 青戸 | interview: 青戸, done in window, 3 days |
| P2 | notified 11-10, done 11-24 at にこわ | interview: にこわ, done in window, 14 days |
| P3 | notified 11-20, nothing yet | interview: no site, not done |
| P4 | notified 10-15, done 11-03 | nothing: due before the period |
| P5 | due 2027-01-25, questionnaire done 12-05 | questionnaire: late, 33 days; visit: not done |
| P6 | due 2027-01-25, questionnaire not needed | late visit: not done |
| P7 | due 2027-01-25, miscarriage 10-20 | nothing: the journey ended before |
| P8 | born 11-10, baby visit done 11-30 | baby visit: done in window, 20 days |
"""

from __future__ import annotations

import datetime as dt

from scheduling.contact_models import Contact, PregnancyContact
from scheduling.models import Booking, Pregnancy, Site
from scheduling.notification_models import PregnancyNotification
from scheduling.reports.contacts import DISTRICT, ContactFigures, ContactReport, contact_report
from tests.base import BaseTestCase, tokyo
from tests.contacts.helpers import katsushika_contacts

NOV_1, NOV_30 = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
DONE, NOT_NEEDED = PregnancyContact.Status.DONE, PregnancyContact.Status.NOT_NEEDED


def figures(row: ContactFigures) -> tuple[int, int, int, float | None]:
    return (row.eligible, row.done, row.done_in_window, row.median_days)


class ContactCoverageFiguresTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        self.c = katsushika_contacts(w)
        Pregnancy.objects.update(notified_on=dt.date(2026, 4, 1))  # the world's two: not due
        self.p1 = self._pregnancy(notified=dt.date(2026, 11, 2))
        self._done(self.p1, self.c.first, dt.date(2026, 11, 5), site=w.aoto)
        self.p2 = self._pregnancy(notified=dt.date(2026, 11, 10))
        self._done(self.p2, self.c.first, dt.date(2026, 11, 24), site=w.niccowa)
        self.p3 = self._pregnancy(notified=dt.date(2026, 11, 20))
        p4 = self._pregnancy(notified=dt.date(2026, 10, 15))
        self._done(p4, self.c.first, dt.date(2026, 11, 3), site=w.aoto)
        due = dt.date(2027, 1, 25)
        p5 = self._pregnancy(due=due)
        self._done(p5, self.c.questionnaire, dt.date(2026, 12, 5))
        p6 = self._pregnancy(due=due)
        PregnancyContact.objects.create(
            pregnancy=p6, contact=self.c.questionnaire, status=NOT_NEEDED
        )
        self._pregnancy(due=due, outcome="miscarriage", ended=dt.date(2026, 10, 20))
        p8 = self._pregnancy(
            due=dt.date(2026, 11, 20), outcome="birth", ended=dt.date(2026, 11, 10)
        )
        self._done(p8, self.c.baby_visit, dt.date(2026, 11, 30))

    def _pregnancy(
        self,
        *,
        notified: dt.date = dt.date(2026, 4, 1),
        due: dt.date = dt.date(2027, 9, 1),
        outcome: str = "",
        ended: dt.date | None = None,
    ) -> Pregnancy:
        return Pregnancy.objects.create(
            resident=self.w.hanako,
            notified_on=notified,
            due_date=due,
            outcome=outcome,
            ended_on=ended,
        )

    def _done(self, p: Pregnancy, contact: Contact, on: dt.date, site: Site | None = None) -> None:
        if site is not None:
            start = tokyo(on.year, on.month, on.day, 10)
            Booking.objects.create(
                municipality=self.w.katsushika,
                pregnancy=p,
                site=site,
                nurse=self.w.nurse_ito if site == self.w.niccowa else self.w.nurse_sato,
                interview_type=self.w.itype,
                contact=contact,
                start=start,
                end=start + dt.timedelta(minutes=30),
                blocked_until=start + dt.timedelta(minutes=30),
                status=Booking.Status.ATTENDED,
            )
        PregnancyContact.objects.create(pregnancy=p, contact=contact, status=DONE, done_on=on)

    def _report(self, **kwargs: object) -> ContactReport:
        return contact_report(
            municipality_ids=[self.w.katsushika.pk], date_from=NOV_1, date_to=NOV_30, **kwargs
        )

    def test_per_contact_totals_match_the_hand_count(self) -> None:
        totals = {t.contact.code: figures(t) for t in self._report().totals}
        self.assertEqual(
            totals,
            {
                "yurikago": (3, 2, 2, 8.5),
                "questionnaire-8m": (1, 1, 0, 33.0),
                "late-visit": (2, 0, 0, None),
                "baby-visit": (1, 1, 1, 20.0),
            },
        )

    def test_per_site_rows_match_the_hand_count(self) -> None:
        rows = {
            (r.contact.code, r.group): figures(r)
            for r in self._report().rows
            if r.contact.code == "yurikago"
        }
        self.assertEqual(
            rows,
            {
                ("yurikago", "青戸保健センター"): (1, 1, 1, 3.0),
                ("yurikago", "にこわ新小岩"): (1, 1, 1, 14.0),
                ("yurikago", ""): (1, 0, 0, None),
            },
        )

    def test_a_site_manager_sees_only_her_sites_rows(self) -> None:
        report = self._report(site_ids=[self.w.aoto.pk])
        self.assertEqual(
            [(r.contact.code, r.group, figures(r)) for r in report.rows],
            [("yurikago", "青戸保健センター", (1, 1, 1, 3.0))],
        )

    def test_per_district_from_the_pregnancy_notification(self) -> None:
        for p, key in ((self.p1, "A1"), (self.p2, "A2")):
            PregnancyNotification.objects.create(
                municipality=self.w.katsushika,
                record_key=key,
                pregnancy=p,
                notified_on=p.notified_on,
                district="青戸地区",
                source="file",
            )
        rows = {
            r.group: figures(r)
            for r in self._report(group_by=DISTRICT).rows
            if r.contact.code == "yurikago"
        }
        self.assertEqual(rows, {"青戸地区": (2, 2, 2, 8.5), "": (1, 0, 0, None)})

    def test_its_queries_do_not_grow_with_the_pregnancies(self) -> None:
        with self.assertNumQueries(5):
            self._report()
