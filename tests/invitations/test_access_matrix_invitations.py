"""The invitation link × every persona (the access matrix of tests/staff/test_access_matrix.py,
extended to issue 16's /i/<pregnancy>/<token>/).

Whoever holds her link may use it once, signed in or not, whoever is signed in: the link is
the key, and it signs in the resident it was made for, nobody else. Without the token (another
pregnancy's id, a wrong token) everyone gets the same 404, staff included; a used link is 410
for everyone."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse

from notifications.models import Message
from scheduling.invitation_models import InvitationLink
from scheduling.invitation_services import invitations_round
from tests.base import NOW
from tests.contacts.helpers import katsushika_contacts
from tests.security.sessions import sign_in_by_code, sign_in_password_only
from tests.staff.helpers import StaffTestCase

from .helpers import link_path, notified

PERSONAS = [
    "nurse_sato",
    "nurse_ito",
    "manager_mori",
    "admin_abe",
    "admin_ogawa",
    "hanako",
    "mei",
    "anonymous",
    "sato_no_totp",
    "sato_by_code",
]
UNVERIFIED = {"sato_no_totp": sign_in_password_only, "sato_by_code": sign_in_by_code}


class InvitationAccessMatrixTest(StaffTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        katsushika_contacts(cls.w)

    def setUp(self) -> None:
        super().setUp()
        self.aiko = notified(self.w, "青木 あい", "+818010000001")
        invitations_round(now=NOW)
        self.pregnancy_id, self.token, self.path = link_path(Message.objects.get())

    def as_persona(self, persona: str) -> None:
        cache.clear()  # the link's rate limits count per address: each persona starts afresh
        self.client.logout()
        w = self.w
        user = {
            "nurse_sato": w.nurse_sato.user,
            "nurse_ito": w.nurse_ito.user,
            "manager_mori": w.manager_mori,
            "admin_abe": w.admin_abe,
            "admin_ogawa": w.admin_ogawa,
            "hanako": w.hanako.user,
            "mei": w.mei.user,
        }.get(persona)
        if persona in UNVERIFIED:
            UNVERIFIED[persona](self.client, w.nurse_sato.user)
        elif persona in ("hanako", "mei"):
            self.client.force_login(user)
        elif user is not None:
            self.sign_in(user)

    def test_the_link_signs_in_her_and_only_her_whoever_opens_it(self) -> None:
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                InvitationLink.objects.update(used_at=None)
                self.as_persona(persona)
                self.assertEqual(self.client.get(self.path).status_code, 200)
                response = self.client.post(self.path)
                self.assertEqual(response.status_code, 302)
                self.assertEqual(
                    int(self.client.session["_auth_user_id"]), self.aiko.resident.user_id
                )
                # Whoever was signed in before holds no staff session any more: a resident
                # reaching a staff page finds nothing there.
                self.assertEqual(self.client.get(reverse("staff:follow_up")).status_code, 404)

    def test_without_the_right_token_everyone_gets_the_same_404(self) -> None:
        wrong = [
            reverse("frontend:invitation", args=[self.w.hanako_pregnancy.pk, self.token]),
            reverse("frontend:invitation", args=[self.pregnancy_id, "A" * 22]),
        ]
        for persona in PERSONAS:
            for path in wrong:
                with self.subTest(persona=persona, path=path):
                    self.as_persona(persona)
                    self.assertEqual(self.client.get(path).status_code, 404)
                    self.assertEqual(self.client.post(path).status_code, 404)
        self.assertIsNone(InvitationLink.objects.get().used_at)

    def test_a_used_link_is_gone_for_everyone(self) -> None:
        self.client.post(self.path)
        for persona in PERSONAS:
            with self.subTest(persona=persona):
                self.as_persona(persona)
                self.assertEqual(self.client.post(self.path).status_code, 410)
