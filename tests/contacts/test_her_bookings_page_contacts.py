"""Her bookings page shows her pregnancy's contacts: done, booked, due now ("book your …") or not
yet, each with how it happens and what to bring; booking a contact is the flow she knows, with
the contact chosen; the page costs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.models import Booking, PregnancyContact
from scheduling.services import booking_create
from tests.base import tokyo
from tests.contacts.helpers import katsushika_contacts, remote_hours, remote_interview_contact
from tests.frontend.helpers import FlowTestCase

# On 2026-12-01 (NOW) she is in week 29: due 77 days later.
DUE_IN_WEEK_29 = dt.date(2027, 2, 16)


class HerBookingsPageContactsTest(FlowTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.contacts = katsushika_contacts(self.w)
        self.remote = remote_interview_contact(self.w)
        remote_hours(self.w)
        self.pregnancy = self.w.hanako_pregnancy
        self.pregnancy.due_date = DUE_IN_WEEK_29
        self.pregnancy.notified_on = dt.date(2026, 7, 1)
        self.pregnancy.save()
        self.client.force_login(self.w.hanako.user)

    def page(self, language: str = "ja") -> str:
        response = self.client.get("/bookings/", HTTP_ACCEPT_LANGUAGE=language)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def card(self, html: str, code: str) -> str:
        found = re.search(
            rf'<li class="card contact[^"]*" id="contact-{code}">(.*?)</li>', html, re.S
        )
        assert found, code
        return found.group(1)

    def test_each_contact_shows_where_it_stands(self) -> None:
        booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.pregnancy,
        )
        PregnancyContact.objects.create(
            pregnancy=self.pregnancy, contact=self.contacts.questionnaire, status="done"
        )
        html = self.page("en")
        self.assertIn("Booked", self.card(html, "yurikago"))
        self.assertIn("Done", self.card(html, "questionnaire-8m"))
        remote = self.card(html, "interview-8m")
        self.assertIn("Due now", remote)
        self.assertIn("Book your 8th-month interview", remote)
        self.assertIn("Not yet", self.card(html, "baby-visit"))

    def test_in_japanese_she_is_asked_to_book_her_8th_month_interview(self) -> None:
        self.assertIn("妊娠8か月の面談を予約する", self.card(self.page("ja"), "interview-8m"))

    def test_what_to_bring_for_a_visit_but_nothing_for_a_call(self) -> None:
        html = self.page("ja")
        self.assertIn("母子健康手帳", self.card(html, "yurikago"))
        self.assertNotIn("持ち物", self.card(html, "interview-8m"))
        self.assertNotIn("母子健康手帳", self.card(html, "interview-8m"))

    def test_booking_the_8th_month_interview_is_the_same_flow_with_the_contact_chosen(self) -> None:
        booking_create(  # her first interview does not stand in the way of this one
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=self.pregnancy,
        )
        link = re.search(r'href="([^"]*contact=interview-8m[^"]*)"', self.page("en"))
        assert link
        where = self.client.get(link.group(1).replace("&amp;", "&"))
        self.assertEqual(where.status_code, 302)
        self.assertIn("contact=interview-8m", where["Location"])
        month = self.client.get(where["Location"])
        day_link = re.search(r'href="(/book/day/2026-12-05/[^"]*)"', month.content.decode())
        assert day_link, "Saturday's remote hours are offered"
        day = self.client.get(day_link.group(1).replace("&amp;", "&"))
        self.assertContains(day, 'name="contact" value="interview-8m"')
        response = self.client.post(
            "/book/hold/",
            {
                "site": self.w.aoto.id,
                "site_code": "any",
                "start": tokyo(2026, 12, 5, 9).isoformat(),
                "mode": "video",
                "contact": "interview-8m",
            },
        )
        self.assertEqual(response.status_code, 302)
        hold = Booking.objects.get(status=Booking.Status.HELD)
        self.assertEqual((hold.contact, hold.mode, hold.room), (self.remote, "video", None))

    def test_an_unknown_contact_in_the_flow_is_not_found(self) -> None:
        self.assertEqual(self.client.get("/book/?contact=nope").status_code, 404)

    def test_the_page_costs_the_same_queries_with_no_booking_or_three(self) -> None:
        self.page()  # the first request of a session writes it
        with CaptureQueriesContext(connection) as one:
            self.page()
        for day, hour in ((3, 10), (4, 10)):
            Booking.objects.filter(pregnancy=self.pregnancy).update(status="cancelled")
            booking_create(
                site=self.w.aoto,
                interview_type=self.w.itype,
                start=tokyo(2026, 12, day, hour),
                pregnancy=self.pregnancy,
            )
        booking_create(
            site=self.w.aoto,
            interview_type=self.remote.interview_type,  # type: ignore[arg-type]
            start=tokyo(2026, 12, 5, 9),
            pregnancy=self.pregnancy,
            mode="phone",
        )
        with self.assertNumQueries(len(one.captured_queries)):
            self.page()


class AttendedContactIsDoneTest(FlowTestCase):
    def test_once_she_came_to_her_first_interview_it_is_done_and_not_offered_again(self) -> None:
        katsushika_contacts(self.w)
        pregnancy = self.w.hanako_pregnancy
        pregnancy.notified_on = dt.date(2026, 11, 1)
        pregnancy.save()
        booking = booking_create(
            site=self.w.aoto,
            interview_type=self.w.itype,
            start=tokyo(2026, 12, 1, 13),
            pregnancy=pregnancy,
            staff=True,
        )
        Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.ATTENDED)
        self.client.force_login(self.w.hanako.user)
        html = self.client.get("/bookings/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        card = re.search(r'id="contact-yurikago">(.*?)</li>', html, re.S)
        assert card
        self.assertIn("Done", card.group(1))
        self.assertNotIn("Book your", card.group(1))


class RemoteMonthChoosesHowNotWhereTest(FlowTestCase):
    def test_the_month_of_a_remote_contact_offers_video_or_phone_and_no_change_of_place(
        self,
    ) -> None:
        remote_interview_contact(self.w)
        remote_hours(self.w)
        html = self.client.get(
            "/book/calendar/?site=any&mode=video&contact=interview-8m", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        self.assertIn("8th-month interview", html)
        self.assertNotIn("Change place", html)
        phone = re.search(r'<a class="chip" href="([^"]*mode=phone[^"]*)"', html)
        assert phone, "a chip for a phone interview"
        self.assertIn("contact=interview-8m", phone.group(1))
        self.assertEqual(self.client.get(phone.group(1).replace("&amp;", "&")).status_code, 200)


class RemoteDayShowsHowNotWhereTest(FlowTestCase):
    def test_a_remote_contacts_times_are_headed_by_the_way_not_by_a_place(self) -> None:
        remote_interview_contact(self.w)
        remote_hours(self.w)
        html = self.client.get(
            "/book/day/2026-12-05/?site=any&mode=video&contact=interview-8m",
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
        self.assertIn('<h3 class="site-title">Kind of interview: Video</h3>', html)
        self.assertNotIn("青戸保健センター</h3>", html)
