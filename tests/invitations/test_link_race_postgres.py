"""PostgreSQL: twenty uses of one invitation link at once (a double tap, two devices, a scanner
and her) — exactly one signs her in; the nineteen others are refused as used, never an error."""

from __future__ import annotations

from collections import Counter

import pytest

from notifications.models import Message
from scheduling.invitation_models import InvitationLink
from scheduling.invitation_services import invitation_link_consume, invitations_round
from tests.base import NOW, PostgresRaceTestCase
from tests.contacts.helpers import katsushika_contacts
from tests.scheduling.test_concurrency_postgres import THREADS, race
from yurikago.errors import DomainError

from .helpers import link_path, notified


@pytest.mark.postgres
class LinkRaceTest(PostgresRaceTestCase):
    def setUp(self) -> None:
        super().setUp()
        katsushika_contacts(self.w)
        notified(self.w, "青木 あい", "+818010000001")
        invitations_round(now=NOW)
        _, self.token, _ = link_path(Message.objects.get())

    def use(self) -> None:
        link = InvitationLink.objects.get()
        if not invitation_link_consume(link=link, now=NOW):
            raise DomainError("used", "used")

    def test_twenty_uses_of_one_link_sign_in_once(self) -> None:
        outcomes = Counter(race([self.use] * THREADS))
        self.assertEqual(outcomes, Counter({"ok": 1, "used": THREADS - 1}))
        self.assertIsNotNone(InvitationLink.objects.get().used_at)
