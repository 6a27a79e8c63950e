"""The waitlist's pages × every persona (the access matrix of tests/staff/test_access_matrix.py,
extended to issue 16's pages).

Staff: every staff member reaches the list, and sees on it only the people waiting for her sites.
Residents: /waitlist/ is hers alone (no resident account: 404); an offer's page only for the
resident it was made for, 404 for anyone else, the link alone is not enough."""

from __future__ import annotations

from django.urls import reverse

from scheduling.models import AccessLog
from scheduling.services import booking_cancel
from scheduling.waitlist_models import WaitlistOffer
from scheduling.waitlist_services import waitlist_offers_round
from tests.base import NOW, tokyo
from tests.security.sessions import sign_in_by_code, sign_in_password_only
from tests.staff.helpers import StaffTestCase
from tests.waitlist.helpers import book_later_and_wait, fill_day

OK, NOT_FOUND, LOGIN, RESIDENT_LOGIN, TOTP = 200, 404, "login", "resident_login", "totp"
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


class WaitlistAccessMatrixTest(StaffTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        fillers = fill_day(cls.w)
        cls.entry = book_later_and_wait(cls.w, cls.w.hanako_pregnancy, tokyo(2026, 12, 10, 10))
        booking_cancel(booking=fillers[1], now=NOW)
        waitlist_offers_round(now=NOW)
        cls.offer = WaitlistOffer.objects.get()

    def user(self, persona: str):  # type: ignore[no-untyped-def]
        w = self.w
        return {
            "nurse_sato": w.nurse_sato.user,
            "nurse_ito": w.nurse_ito.user,
            "manager_mori": w.manager_mori,
            "admin_abe": w.admin_abe,
            "admin_ogawa": w.admin_ogawa,
            "hanako": w.hanako.user,
            "mei": w.mei.user,
        }.get(persona)

    def check(self, url: str, expected: dict[str, object], shows: dict[str, bool] | None = None):  # type: ignore[no-untyped-def]
        for persona in PERSONAS:
            with self.subTest(persona=persona, url=url):
                self.client.logout()
                user = self.user(persona)
                if persona in UNVERIFIED:
                    UNVERIFIED[persona](self.client, self.w.nurse_sato.user)
                elif persona in ("hanako", "mei"):
                    self.client.force_login(user)
                elif user is not None:
                    self.sign_in(user)
                response = self.client.get(url)
                want = expected[persona]
                if want == LOGIN:
                    self.assertEqual(response.status_code, 302)
                    self.assertIn(reverse("account_login"), response["Location"])
                elif want == RESIDENT_LOGIN:
                    self.assertEqual(response.status_code, 302)
                    self.assertIn(reverse("frontend:login"), response["Location"])
                elif want == TOTP:
                    self.assertEqual(response.status_code, 302, response.content[:300])
                    self.assertTrue(response["Location"].startswith("/accounts/2fa/"))
                else:
                    self.assertEqual(response.status_code, want)
                if shows is not None and persona in shows:
                    self.assertEqual(shows[persona], "山田 花子" in response.content.decode())

    def test_the_staff_list_is_for_staff_and_shows_only_their_sites(self) -> None:
        self.check(
            reverse("staff_waitlist:list"),
            {
                "nurse_sato": OK,
                "nurse_ito": OK,
                "manager_mori": OK,
                "admin_abe": OK,
                "admin_ogawa": OK,
                "hanako": NOT_FOUND,
                "mei": NOT_FOUND,
                "anonymous": LOGIN,
                "sato_no_totp": TOTP,
                "sato_by_code": NOT_FOUND,
            },
            # She waits for にこわ新小岩: ito works there, abe administers it; sato, mori and
            # ogawa have no part in it.
            shows={
                "nurse_sato": False,
                "nurse_ito": True,
                "manager_mori": False,
                "admin_abe": True,
                "admin_ogawa": False,
            },
        )

    def test_her_waitlist_page_is_for_residents_only(self) -> None:
        staff = NOT_FOUND
        self.check(
            reverse("waitlist:waitlist"),
            {
                "nurse_sato": staff,
                "nurse_ito": staff,
                "manager_mori": staff,
                "admin_abe": staff,
                "admin_ogawa": staff,
                "hanako": OK,
                "mei": OK,
                "anonymous": RESIDENT_LOGIN,
                "sato_no_totp": staff,
                "sato_by_code": staff,
            },
        )

    def test_an_offer_is_seen_only_by_the_resident_it_was_made_for(self) -> None:
        expected: dict[str, object] = {p: NOT_FOUND for p in PERSONAS}
        expected.update(hanako=OK, anonymous=RESIDENT_LOGIN)
        self.check(reverse("waitlist:offer", args=[self.offer.token]), expected)
        self.check(reverse("waitlist:offer", args=["not-a-token"]), {**expected, "hanako": 404})

    def test_every_resident_on_the_staff_list_is_access_logged(self) -> None:
        self.sign_in(self.w.nurse_ito.user)
        self.client.get(reverse("staff_waitlist:list"))
        log = AccessLog.objects.get(user=self.w.nurse_ito.user)
        self.assertEqual((log.resident, log.action), (self.w.hanako, "list"))
        self.client.logout()
        self.sign_in(self.w.nurse_sato.user)  # nobody waits for her sites: nothing to log
        self.client.get(reverse("staff_waitlist:list"))
        self.assertFalse(AccessLog.objects.filter(user=self.w.nurse_sato.user).exists())
