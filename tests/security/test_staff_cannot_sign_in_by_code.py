"""Finding 3 (and the first half of 1): staff and superusers signed in by an emailed code through
the residents' /login/, replacing the password (and, for a superuser, reaching the admin). Now a
staff or superuser account gets exactly what an unknown address gets: no code, no session, and
the same pages."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from frontend.verify import masked_destination
from notifications.models import Message
from scheduling.models import User
from tests.base import BaseTestCase

CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def answers(login: str) -> tuple[int, str, bytes]:
    client = Client()
    response = client.post("/login/", {"login": login})
    page = client.get(response["Location"]) if response.status_code == 302 else response
    confirm = client.post("/accounts/login/code/confirm/", {"action": "verify", "code": "123456"})
    assert "_auth_user_id" not in client.session, f"{login} was signed in"
    # The code page names the (masked) address she typed: the same words for everyone.
    masked = masked_destination("email", login).encode()
    content = CSRF.sub(b"", page.content) + CSRF.sub(b"", confirm.content)
    return response.status_code, response.get("Location", ""), content.replace(masked, b"X")


class StaffCannotSignInByCodeTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = User.objects.create_superuser(email="root@example.jp", password="x")

    def test_no_code_is_sent_to_a_nurse_a_manager_an_administrator_or_a_superuser(self) -> None:
        for email in [
            "sato@katsushika.example",
            "mori@katsushika.example",
            "abe@katsushika.example",
            "root@example.jp",
        ]:
            with self.subTest(email):
                answers(email)
        self.assertFalse(Message.objects.filter(purpose="login_code").exists())
        self.assertEqual(mail.outbox, [])

    def test_the_answer_is_the_one_an_unknown_address_gets(self) -> None:
        unknown = answers("nobody@example.jp")
        for email in ["sato@katsushika.example", "root@example.jp"]:
            with self.subTest(email):
                self.assertEqual(answers(email), unknown)

    def test_a_resident_still_gets_her_code(self) -> None:
        answers("hanako@example.jp")
        self.assertEqual(Message.objects.filter(purpose="login_code").count(), 1)
