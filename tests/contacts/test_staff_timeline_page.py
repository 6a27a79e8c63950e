"""The staff timeline of a pregnancy: each contact's status, who did it, the outcome and private
notes, links to the bookings; opening it is access-logged; outcomes are recorded per contact."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from scheduling.contact_models import PregnancyContact
from scheduling.models import AccessLog, Booking
from scheduling.services import booking_create
from tests.base import NOW, tokyo
from tests.contacts.helpers import katsushika_contacts
from tests.staff.helpers import StaffTestCase


class StaffTimelinePageTests(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        self.contacts = katsushika_contacts(w)
        self.pregnancy = w.hanako_pregnancy
        self.pregnancy.due_date = dt.date(2027, 3, 1)  # the 8th month starts 2026-12-07
        self.pregnancy.save()
        self.booking = booking_create(
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 2, 13),
            pregnancy=self.pregnancy,
            staff=True,
            channel=Booking.Channel.STAFF,
            now=NOW,
        )
        Booking.objects.filter(pk=self.booking.pk).update(contact=self.contacts.first)
        PregnancyContact.objects.create(
            pregnancy=self.pregnancy,
            contact=self.contacts.late_visit,
            status=PregnancyContact.Status.DECLINED,
            reason="里帰り中",
            staff_notes="実家の住所を確認済み",
        )
        self.url = reverse("staff:timeline", args=[self.pregnancy.pk])

    def test_it_shows_each_contacts_status_and_links_the_booking(self) -> None:
        self.sign_in(self.w.admin_abe)
        response = self.client.get(self.url, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 200)
        rows = {entry.contact.code: entry for entry in response.context["entries"]}
        self.assertEqual(rows["yurikago"].status, "booked")
        self.assertEqual(rows["questionnaire-8m"].status, "not_yet")
        self.assertEqual(rows["late-visit"].status, "declined")
        self.assertEqual(rows["baby-visit"].status, "not_yet")
        html = response.content.decode()
        self.assertIn(reverse("staff:booking", args=[self.booking.reference]), html)
        self.assertIn("実家の住所を確認済み", html)
        self.assertIn("里帰り中", html)

    def test_opening_it_is_in_the_access_log(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        row = AccessLog.objects.get(action="timeline")
        self.assertEqual(
            (row.user_id, row.resident_id), (self.w.nurse_sato.user.pk, self.w.hanako.pk)
        )

    def test_another_municipalitys_administrator_gets_a_404_and_nothing_is_logged(self) -> None:
        self.sign_in(self.w.admin_ogawa)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertFalse(AccessLog.objects.filter(action="timeline").exists())

    def test_a_nurse_with_no_part_in_her_pregnancy_gets_a_404(self) -> None:
        self.sign_in(self.w.nurse_ito.user)
        self.assertEqual(self.client.get(self.url).status_code, 404)

    def test_an_unknown_pregnancy_is_a_plain_404(self) -> None:
        self.sign_in(self.w.admin_abe)
        self.assertEqual(self.client.get(reverse("staff:timeline", args=[999999])).status_code, 404)

    def test_a_nurse_records_a_contact_done_with_who_and_the_outcome(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        contact = self.contacts.first
        url = reverse("staff:contact_record", args=[self.pregnancy.pk])
        prefix = "o-"
        response = self.client.post(
            url,
            {
                prefix + "contact": str(contact.pk),
                prefix + "status": "done",
                prefix + "done_on": "2026-12-01",
                prefix + "done_by": str(self.w.nurse_sato.pk),
                prefix + "outcome": "ゆりかごプラン作成",
                prefix + "staff_notes": "次回は訪問希望",
            },
        )
        self.assertEqual(response.status_code, 302)
        record = PregnancyContact.objects.get(pregnancy=self.pregnancy, contact=contact)
        self.assertEqual(record.status, "done")
        self.assertEqual(record.done_on, dt.date(2026, 12, 1))
        self.assertEqual(record.done_by, self.w.nurse_sato)
        self.assertEqual(record.outcome, "ゆりかごプラン作成")
        page = self.client.get(self.url)
        rows = {entry.contact.code: entry for entry in page.context["entries"]}
        self.assertEqual(rows["yurikago"].status, "done")
        self.assertContains(page, "佐藤 看護")

    def test_a_done_date_in_the_future_is_refused(self) -> None:
        self.sign_in(self.w.admin_abe)
        contact = self.contacts.first
        url = reverse("staff:contact_record", args=[self.pregnancy.pk])
        prefix = "o-"
        self.client.post(
            url,
            {
                prefix + "contact": str(contact.pk),
                prefix + "status": "done",
                prefix + "done_on": "2026-12-24",
            },
        )
        self.assertFalse(PregnancyContact.objects.filter(contact=contact).exists())

    def test_another_municipalitys_administrator_cannot_record_an_outcome(self) -> None:
        self.sign_in(self.w.admin_ogawa)
        contact = self.contacts.first
        url = reverse("staff:contact_record", args=[self.pregnancy.pk])
        response = self.client.post(url, {"o-contact": str(contact.pk), "o-status": "declined"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(PregnancyContact.objects.filter(contact=contact).exists())

    def test_an_invitation_shows_as_invited_until_she_books(self) -> None:
        PregnancyContact.objects.create(
            pregnancy=self.pregnancy,
            contact=self.contacts.questionnaire,
            status=PregnancyContact.Status.INVITED,
        )
        self.sign_in(self.w.admin_abe)
        rows = {e.contact.code: e for e in self.client.get(self.url).context["entries"]}
        self.assertEqual(rows["questionnaire-8m"].status, "invited")

    def test_the_day_view_shows_the_contact_and_its_kind(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        self.client.cookies.load({"django_language": "en"})
        response = self.client.get(reverse("staff:day") + "?date=2026-12-02")
        kind = self.contacts.first.get_kind_display()
        self.assertContains(response, f'<td class="contact">ゆりかご面接<br><small>{kind}</small>')

    def test_the_timeline_loads_in_four_queries_whatever_its_bookings(self) -> None:
        from scheduling.timeline import pregnancy_timeline

        pregnancy = (
            type(self.pregnancy)
            .objects.select_related("resident__municipality")
            .get(pk=self.pregnancy.pk)
        )
        with self.assertNumQueries(4):  # contacts, records, bookings, home visits
            timeline = pregnancy_timeline(pregnancy)
            for entry in timeline.entries:
                _ = [entry.done_by, *entry.bookings, *entry.home_visits]
                _ = [(b.site.name, b.nurse.name) for b in entry.bookings]
