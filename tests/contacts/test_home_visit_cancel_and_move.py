"""Cancelling and moving a home visit (issue 15): she does it from her visit page (reached from
/bookings/) until the day before, staff from the visit day page at any time. Each frees the
block's place, takes back a time message not yet sent, and tells her through the outbox in civil
hours (no address, no health word). A move goes into a block of her district with room, or is
refused with nothing changed."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.urls import reverse

from notifications.dispatch import not_worth_sending
from notifications.models import Message
from notifications.tasks import dispatch_due_messages
from notifications.texts import HEALTH_WORDS, render_message
from scheduling.home_visit_changes import home_visit_cancel, home_visit_move
from scheduling.home_visit_models import District, HomeVisit, VisitBlock
from scheduling.home_visit_services import (
    district_import,
    home_visit_confirm,
    home_visit_request,
    resident_address_save,
)
from scheduling.models import Pregnancy
from tests.base import tokyo
from tests.contacts.helpers import katsushika_contacts
from tests.contacts.test_home_visits import CSV, THURSDAY
from tests.staff.helpers import StaffTestCase
from yurikago.errors import DomainError

FRIDAY = THURSDAY + dt.timedelta(days=1)


class HomeVisitCancelAndMoveTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        w = self.w
        self.contact = katsushika_contacts(w).late_visit
        district_import(municipality=w.katsushika, text=CSV)
        self.district = District.objects.get(code="aoto-1")
        self.thursday = self.block(THURSDAY, 9, 12)
        self.friday = self.block(FRIDAY, 13, 16)
        for resident in (w.hanako, w.mei):
            resident_address_save(
                resident=resident, postcode="124-0012", town="青戸四丁目", building="101"
            )
        w.hanako_pregnancy.due_date = dt.date(2027, 2, 1)  # weeks 28–36: due now
        w.hanako_pregnancy.save()
        self.visit = self.ask(w.hanako_pregnancy, THURSDAY, "am")

    def block(self, day: dt.date, h1: int, h2: int) -> VisitBlock:
        return VisitBlock.objects.create(
            nurse=self.w.nurse_sato,
            district=self.district,
            date=day,
            start_time=dt.time(h1),
            end_time=dt.time(h2),
            capacity=1,
            visit_minutes=60,
        )

    def ask(self, pregnancy: Pregnancy, day: dt.date, half: str) -> HomeVisit:
        return home_visit_request(pregnancy=pregnancy, contact=self.contact, date=day, half=half)

    def notices(self, change: str) -> list[Message]:
        return [
            m
            for m in Message.objects.filter(purpose=Message.Purpose.VISIT_TIME).order_by("id")
            if m.context.get("change") == change
        ]

    def assert_private(self, message: Message) -> str:
        text = render_message(message).text
        for word in ("青戸四丁目", "101", "124-0012", *HEALTH_WORDS):
            self.assertNotIn(word, text)
        return text

    # --- services ------------------------------------------------------------------------------

    def test_cancelling_frees_the_place_and_tells_her(self) -> None:
        with self.assertRaises(DomainError):  # the block takes one visit
            self.ask(self.w.mei_pregnancy, THURSDAY, "am")
        home_visit_cancel(visit=self.visit, by_staff=False)
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, HomeVisit.Status.CANCELLED)
        self.assertEqual(self.ask(self.w.mei_pregnancy, THURSDAY, "am").block, self.thursday)
        [notice] = self.notices("cancelled")
        self.assertEqual((notice.channel, notice.recipient), ("sms", self.w.hanako.phone))
        self.assertEqual(notice.send_at, tokyo(2026, 12, 1, 9))  # now: within civil hours
        text = self.assert_private(notice)
        self.assertIn("12月3日", text)
        self.assertIn("午前", text)
        self.assertIsNone(not_worth_sending(notice, tokyo(2026, 12, 1, 9)))
        dispatch_due_messages()
        notice.refresh_from_db()
        self.assertEqual(notice.status, Message.Status.SENT, notice.last_error)

    def test_cancelling_a_timed_visit_takes_back_its_time_message(self) -> None:
        home_visit_confirm(visit=self.visit, start=tokyo(2026, 12, 3, 10))
        [time_message] = Message.objects.filter(occurrence__startswith=f"visit-{self.visit.pk}-")
        home_visit_cancel(visit=self.visit, by_staff=True)
        time_message.refresh_from_db()
        self.assertEqual(time_message.status, Message.Status.CANCELLED)
        self.assertEqual(len(self.notices("cancelled")), 1)

    def test_moving_puts_it_in_a_block_with_room_and_tells_her(self) -> None:
        home_visit_confirm(visit=self.visit, start=tokyo(2026, 12, 3, 10))
        moved = home_visit_move(visit=self.visit, date=FRIDAY, half="pm", by_staff=False)
        self.assertEqual(
            (moved.block, moved.date, moved.half, moved.status, moved.start),
            (self.friday, FRIDAY, "pm", HomeVisit.Status.REQUESTED, None),
        )
        self.ask(self.w.mei_pregnancy, THURSDAY, "am")  # Thursday's place is free again
        [notice] = self.notices("moved")
        text = self.assert_private(notice)
        self.assertIn("12月4日", text)
        self.assertIn("午後", text)
        # Moved again before it went: only the last notice is worth sending.
        home_visit_move(visit=moved, date=FRIDAY, half="pm", by_staff=True)
        first, second = self.notices("moved")
        first.refresh_from_db()
        self.assertEqual(first.status, Message.Status.CANCELLED)
        self.assertEqual(second.status, Message.Status.PENDING)

    def test_a_move_to_a_full_half_day_changes_nothing(self) -> None:
        self.ask(self.w.mei_pregnancy, FRIDAY, "pm")
        with self.assertRaises(DomainError) as caught:
            home_visit_move(visit=self.visit, date=FRIDAY, half="pm", by_staff=False)
        self.assertEqual(caught.exception.code, "slot_unavailable")
        self.visit.refresh_from_db()
        self.assertEqual((self.visit.block, self.visit.half), (self.thursday, "am"))
        self.assertEqual(self.notices("moved"), [])
        with self.assertRaises(DomainError):
            home_visit_move(visit=self.visit, date=THURSDAY, half="xx", by_staff=False)
        with self.assertRaises(DomainError):
            home_visit_move(visit=self.visit, date=dt.date(2026, 12, 1), half="am", by_staff=True)

    def test_at_night_the_notice_waits_for_the_morning(self) -> None:
        with time_machine.travel(tokyo(2026, 12, 1, 22, 30), tick=False):
            home_visit_cancel(visit=self.visit, by_staff=True)
        [notice] = self.notices("cancelled")
        self.assertEqual(notice.send_at, tokyo(2026, 12, 2, 8))

    def test_on_the_day_she_calls_and_staff_change_it(self) -> None:
        with time_machine.travel(tokyo(2026, 12, 3, 7), tick=False):
            with self.assertRaises(DomainError) as caught:
                home_visit_cancel(visit=self.visit, by_staff=False)
            self.assertEqual(caught.exception.code, "too_late")
            home_visit_cancel(visit=self.visit, by_staff=True)
        with self.assertRaises(DomainError):  # cancelled already
            home_visit_cancel(visit=self.visit, by_staff=True)

    def test_a_contact_for_other_districts_is_not_asked_for_here(self) -> None:
        other = District.objects.get(code="niiko")
        self.contact.districts.set([other])
        with self.assertRaises(DomainError):
            self.ask(self.w.mei_pregnancy, FRIDAY, "pm")

    # --- her pages ---------------------------------------------------------------------------

    def test_her_bookings_page_shows_the_visit_and_leads_to_changing_it(self) -> None:
        self.client.force_login(self.w.hanako.user)
        page = self.client.get(reverse("frontend:my_bookings"), HTTP_ACCEPT_LANGUAGE="ja")
        card = page.content.decode().split(f'id="contact-{self.contact.code}"')[1].split("</li>")[0]
        self.assertIn(reverse("frontend:home_visit", args=[self.contact.code]), card)
        self.assertIn("12月3日", card)
        self.assertIn("午前", card)
        self.assertNotIn("家庭訪問を申し込む", card)  # "Ask for a home visit": asked already

    def test_she_cancels_from_her_visit_page(self) -> None:
        self.client.force_login(self.w.hanako.user)
        page_url = reverse("frontend:home_visit", args=[self.contact.code])
        page = self.client.get(page_url, HTTP_ACCEPT_LANGUAGE="ja")
        cancel_url = reverse("frontend:home_visit_cancel", args=[self.contact.code])
        self.assertContains(page, cancel_url)
        confirm = self.client.get(cancel_url, HTTP_ACCEPT_LANGUAGE="ja")
        self.assertContains(confirm, "訪問を取り消す")
        response = self.client.post(cancel_url, HTTP_ACCEPT_LANGUAGE="ja")
        self.assertRedirects(
            response, reverse("frontend:my_bookings") + f"#contact-{self.contact.code}"
        )
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, HomeVisit.Status.CANCELLED)
        self.assertEqual(self.client.post(cancel_url).status_code, 404)  # nothing left to cancel

    def test_she_moves_it_and_bad_input_changes_nothing(self) -> None:
        self.client.force_login(self.w.hanako.user)
        move_url = reverse("frontend:home_visit_move", args=[self.contact.code])
        self.assertContains(self.client.get(move_url), 'name="half"')
        for bad in ({"date": "2026-13-45", "half": "pm"}, {"date": "2026-12-04", "half": "night"}):
            response = self.client.post(move_url, bad, HTTP_ACCEPT_LANGUAGE="ja")
            self.assertEqual(response.status_code, 422)
        self.ask(self.w.mei_pregnancy, FRIDAY, "pm")  # Friday afternoon is now full
        full = self.client.post(move_url, {"date": "2026-12-04", "half": "pm"})
        self.assertEqual(full.status_code, 422)
        self.visit.refresh_from_db()
        self.assertEqual((self.visit.date, self.visit.half), (THURSDAY, "am"))
        self.friday.capacity = 2
        self.friday.save()
        response = self.client.post(move_url, {"date": "2026-12-04", "half": "pm"})
        self.assertEqual(response.status_code, 302)
        self.visit.refresh_from_db()
        self.assertEqual((self.visit.date, self.visit.half), (FRIDAY, "pm"))

    def test_another_resident_has_no_visit_to_change(self) -> None:
        self.client.force_login(self.w.mei.user)
        for name in ("frontend:home_visit_cancel", "frontend:home_visit_move"):
            url = reverse(name, args=[self.contact.code])
            self.assertEqual(self.client.get(url).status_code, 404)
            self.assertEqual(self.client.post(url, {"date": "2026-12-04"}).status_code, 404)
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, HomeVisit.Status.REQUESTED)

    # --- staff -------------------------------------------------------------------------------

    def test_the_district_nurse_cancels_and_moves_from_the_visit_day_page(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        day = self.client.get(reverse("staff:visits") + "?date=2026-12-03")
        move_url = reverse("staff:visit_move", args=[self.visit.pk])
        cancel_url = reverse("staff:visit_cancel", args=[self.visit.pk])
        self.assertContains(day, move_url)
        self.assertContains(day, cancel_url)
        self.client.post(move_url, {"date": "2026-12-04", "half": "pm"})
        self.visit.refresh_from_db()
        self.assertEqual((self.visit.block, self.visit.by_staff), (self.friday, False))
        self.client.post(cancel_url)
        self.visit.refresh_from_db()
        self.assertEqual(self.visit.status, HomeVisit.Status.CANCELLED)
        self.assertEqual((len(self.notices("moved")), len(self.notices("cancelled"))), (1, 1))

    def test_a_nurse_of_another_district_cannot_touch_it(self) -> None:
        self.sign_in(self.w.nurse_ito.user)
        for name in ("staff:visit_cancel", "staff:visit_move"):
            response = self.client.post(
                reverse(name, args=[self.visit.pk]), {"date": "2026-12-04", "half": "pm"}
            )
            self.assertEqual(response.status_code, 404)
        self.visit.refresh_from_db()
        self.assertEqual((self.visit.status, self.visit.date), ("requested", THURSDAY))
