"""Finding 5: the details form answered "this number/address already has an account" for
registered phones and emails (staff and superuser too), unlimited and without an SMS; for this
service "has an account" means "was pregnant". Now a visitor who is not signed in gets the same
answer for any number: a code sent to it and the same "enter your code" page, byte for byte
(CSRF tokens and her own booking reference aside), with the same work done (one code sent)."""

from __future__ import annotations

import re

from django.test import Client

from notifications.models import Message
from scheduling.models import Booking, User
from tests.frontend.helpers import START, FlowTestCase, details_data, sms_texts

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


class DetailsFormDoesNotEnumerateTest(FlowTestCase):
    def answer(self, phone: str, email: str = "") -> tuple[int, str, bytes, int, int]:
        client = Client()
        hold = self.hold(client, start=START)
        before = Message.objects.filter(purpose="login_code").count()
        with sms_texts() as texts:
            response = client.post(
                f"/book/details/{hold.reference}/",
                details_data(
                    hold.display_reference,
                    phone=phone,
                    email=email,
                    reminders="email" if email else "sms",
                ),
            )
        location = response.get("Location", "")
        page = client.get(location) if response.status_code == 302 else response
        content = CSRF.sub(b"", page.content)
        for ref in (hold.reference, hold.display_reference):
            content = content.replace(ref.encode(), b"REF")
            location = location.replace(ref, "REF")
        sent = Message.objects.filter(purpose="login_code").count() - before
        Booking.objects.filter(pk=hold.pk).delete()  # the time is free for the next visitor
        return response.status_code, location, content, sent, len(texts)

    def test_a_registered_number_gets_the_answer_a_new_number_gets(self) -> None:
        Booking.objects.filter(pregnancy=self.w.hanako_pregnancy).delete()
        registered = self.answer("090-1111-2222")  # hanako's
        new = self.answer("090-9999-2222")  # nobody's; the same last four digits
        self.assertEqual(registered[0], 302)
        self.assertEqual(registered, new)
        self.assertIn(b"090-****-2222", registered[2])

    def test_a_staff_or_superusers_address_tells_nothing_either(self) -> None:
        User.objects.create_superuser(email="root@example.jp", password="x")
        landline = "03-3602-1284"
        new = self.answer(landline, email="nobody@example.jp")
        for email in ["sato@katsushika.example", "root@example.jp"]:
            with self.subTest(email):
                got = self.answer(landline, email=email)
                self.assertEqual(got[:2], new[:2])
                self.assertEqual(got[3:], new[3:])
                # The page differs only by the masked address it names.
                self.assertEqual(
                    got[2].replace(f"{email[0]}…@{email.split('@')[1]}".encode(), b"X"),
                    new[2].replace("n…@example.jp".encode(), b"X"),
                )

    def test_no_booking_is_confirmed_and_no_other_message_queued_before_the_code(self) -> None:
        hold = self.hold()
        self.client.post(f"/book/details/{hold.reference}/", details_data(hold.display_reference))
        self.assertEqual(Booking.objects.get(pk=hold.pk).status, Booking.Status.HELD)
        self.assertFalse(Message.objects.exclude(purpose="login_code").filter(booking=hold))
