"""Integration tokens: issued by an administrator, stored hashed, revocable, one municipality."""

from __future__ import annotations

import io

from django.core.management import call_command

from api.models import ApiToken, hash_token
from api.tokens import api_token_revoke
from tests.staff.helpers import sign_in_with_mfa

from .helpers import API, ApiTestCase, token_for


class TokenTest(ApiTestCase):
    def test_only_the_hash_is_stored(self) -> None:
        raw = token_for(self.w.katsushika)
        token = ApiToken.objects.get()
        self.assertNotEqual(token.token_hash, raw)
        self.assertEqual(token.token_hash, hash_token(raw))

    def test_a_token_acts_as_staff_of_its_municipality(self) -> None:
        client = self.client_for(token_for(self.w.katsushika))
        nurses = {n["id"] for n in client.get(f"{API}/nurses/").json()}
        self.assertEqual(nurses, {self.w.nurse_sato.id, self.w.nurse_kato.id, self.w.nurse_ito.id})

    def test_a_revoked_token_is_refused_at_once(self) -> None:
        raw = token_for(self.w.katsushika)
        client = self.client_for(raw)
        self.assertEqual(client.get(f"{API}/bookings/").status_code, 200)
        api_token_revoke(token=ApiToken.objects.get())
        self.assertProblem(client.get(f"{API}/bookings/"), 401, "authentication_failed")

    def test_the_management_command_creates_lists_and_revokes(self) -> None:
        out = io.StringIO()
        call_command(
            "api_token",
            "create",
            "katsushika",
            "住民記録システム",
            stdout=out,
            stderr=io.StringIO(),
        )
        raw = out.getvalue().strip()
        self.assertTrue(raw.startswith("yk_"))
        self.assertEqual(self.client_for(raw).get(f"{API}/nurses/").status_code, 200)
        listing = io.StringIO()
        call_command("api_token", "list", stdout=listing)
        self.assertNotIn(raw, listing.getvalue())
        call_command("api_token", "revoke", str(ApiToken.objects.get().pk), stdout=io.StringIO())
        self.assertEqual(self.client_for(raw).get(f"{API}/nurses/").status_code, 401)

    def test_an_administrator_issues_a_token_in_the_admin(self) -> None:
        from scheduling.models import User

        root = User.objects.create_superuser(email="root@example.jp", password="x")
        sign_in_with_mfa(self.client, root)  # the admin needs password + TOTP
        response = self.client.post(
            "/admin/api/apitoken/add/",
            {
                "municipality": self.w.katsushika.id,
                "name": "連携",
                "scopes": ["bookings:read", "reports"],
            },
            follow=True,
        )
        self.assertEqual(response.status_code, 200)
        token = ApiToken.objects.get()
        self.assertEqual(token.created_by, root)
        self.assertEqual(token.scopes, ["bookings:read", "reports"])
        shown = [str(m) for m in response.context["messages"]]
        self.assertTrue(any(token.prefix in m for m in shown), shown)
