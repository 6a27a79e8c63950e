"""Every endpoint × every kind of caller: who gets in, who gets a 404 that leaks nothing.

Columns: the resident (hanako, whose booking it is), another resident (mei), her nurse (sato at
青戸), a nurse of another site (ito at にこわ), the manager of 青戸 (mori), a token of Katsushika,
a token of another municipality (Sakuragawa), nobody (anonymous), and two staff sessions that
hold no staff scope (scheduling.access): sato signed in with her password but without TOTP, and
sato signed in by a one-time code. Both get what a signed-in stranger gets.

A nurse writes her own weekly rules and time off (as on the staff pages); her manager and the
municipality's administrators write those of nurses at their sites.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from rest_framework.test import APIClient

from api.models import Scope, all_scopes
from api.tokens import api_token_create
from scheduling.models import Booking, InterviewType, TimeOff
from scheduling.services import booking_create, booking_hold
from tests.base import NOW, tokyo
from tests.security.sessions import sign_in_by_code, sign_in_password_only

from .helpers import API, ApiTestCase, token_for

PERSONAS = [
    "hanako",
    "mei",
    "sato",
    "ito",
    "mori",
    "token",
    "other_token",
    "anonymous",
    "sato_no_totp",
    "sato_by_code",
]


class _Rollback(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


def rolled_back(call: Callable[[], Any]) -> Any:
    """Run a call that changes data, then undo it, so each persona meets the same world."""
    try:
        with transaction.atomic():
            raise _Rollback(call())
    except _Rollback as done:
        return done.value


class MatrixWorld(ApiTestCase):
    """The personas and their bookings, a hold, and a client per persona."""

    def setUp(self) -> None:
        super().setUp()
        w = self.w
        self.booking = booking_create(
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 3, 10),
            pregnancy=w.hanako_pregnancy,
            now=NOW,
        )
        # Today, so attendance may be marked; booked by staff inside the notice.
        self.today = booking_create(
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 1, 14),
            pregnancy=self._pregnancy(),
            staff=True,
            now=NOW,
        )
        self.hold = booking_hold(
            site=w.aoto,
            interview_type=w.itype,
            start=tokyo(2026, 12, 4, 10),
            hold_owner=f"user:{w.hanako.user.pk}",
            now=NOW,
        )
        InterviewType.objects.create(
            municipality=w.sakuragawa,
            code="hajimemashite",
            name="はじめまして面談",
            modes=["in_person"],
        )
        tokens = {"token": token_for(w.katsushika), "other_token": token_for(w.sakuragawa)}
        users = {
            "hanako": w.hanako.user,
            "mei": w.mei.user,
            "sato": w.nurse_sato.user,
            "ito": w.nurse_ito.user,
            "mori": w.manager_mori,
        }
        self.clients: dict[str, APIClient] = {}
        for name in PERSONAS[:8]:
            self.clients[name] = self.client_for(tokens.get(name) or users.get(name))
        for name, sign_in in [
            ("sato_no_totp", sign_in_password_only),
            ("sato_by_code", sign_in_by_code),
        ]:
            self.clients[name] = APIClient()
            sign_in(self.clients[name], w.nurse_sato.user)

    def _pregnancy(self):  # type: ignore[no-untyped-def]
        from tests.base import _resident

        return _resident(self.w.katsushika, "third@example.jp", "+819055556666", "三")[1]

    def check(self, label: str, call: Callable[[APIClient], Any], expected: list[int]) -> None:
        for persona, status in zip(PERSONAS, expected, strict=True):
            with self.subTest(endpoint=label, persona=persona):
                response = rolled_back(lambda persona=persona: call(self.clients[persona]))
                self.assertEqual(
                    response.status_code,
                    status,
                    f"{label} as {persona}: {response.content[:300]!r}",
                )
                if status >= 400:
                    self.assertEqual(response["Content-Type"], "application/problem+json")


class AuthorisationMatrixTest(MatrixWorld):
    def test_public_reads_are_open_to_everyone(self) -> None:
        # hanako mei sato ito mori token other anon sato_no_totp sato_by_code
        self.check("GET sites", lambda c: c.get(f"{API}/sites/"), [200] * 10)
        self.check("GET availability", lambda c: c.get(f"{API}/availability/"), [200] * 10)

    def test_booking_reads(self) -> None:
        ref = self.booking.reference
        self.check(
            "GET booking",
            lambda c: c.get(f"{API}/bookings/{ref}/"),
            [200, 404, 200, 404, 200, 200, 404, 401, 404, 404],
        )
        self.check(
            "GET ics",
            lambda c: c.get(f"{API}/bookings/{ref}/ics"),
            [200, 404, 200, 404, 200, 200, 404, 401, 404, 404],
        )
        self.check(
            "GET bookings",
            lambda c: c.get(f"{API}/bookings/"),
            [200, 200, 200, 200, 200, 200, 200, 401, 200, 200],
        )

    def test_booking_lists_hold_only_what_each_may_see(self) -> None:
        ref = self.booking.reference
        seen = {
            p: [b["reference"] for b in self.clients[p].get(f"{API}/bookings/").json()["results"]]
            for p in PERSONAS
            if p != "anonymous"
        }
        self.assertEqual(seen["hanako"], [ref])
        self.assertEqual(seen["mei"], [])
        self.assertIn(ref, seen["sato"])
        self.assertEqual(seen["ito"], [])
        self.assertIn(ref, seen["mori"])
        self.assertIn(ref, seen["token"])
        self.assertEqual(seen["other_token"], [])
        self.assertEqual(seen["sato_no_totp"], [])
        self.assertEqual(seen["sato_by_code"], [])

    def test_booking_changes(self) -> None:
        ref = self.booking.reference
        self.check(
            "POST cancel",
            lambda c: c.post(f"{API}/bookings/{ref}/cancel/", {}, format="json"),
            [200, 404, 200, 404, 200, 200, 404, 401, 404, 404],
        )
        self.check(
            "POST reschedule",
            lambda c: c.post(
                f"{API}/bookings/{ref}/reschedule/",
                {"start": "2026-12-10T10:00:00+09:00"},
                format="json",
            ),
            [200, 404, 200, 404, 200, 200, 404, 401, 404, 404],
        )
        today = self.today.reference
        self.check(
            "POST attendance",
            lambda c: c.post(
                f"{API}/bookings/{today}/attendance/", {"attended": True}, format="json"
            ),
            [403, 403, 200, 404, 200, 200, 404, 401, 403, 403],
        )

    def test_holds_and_new_bookings(self) -> None:
        site, mei = self.w.aoto.id, self.w.mei_pregnancy.id
        self.check(
            "POST holds",
            lambda c: c.post(
                f"{API}/holds/", {"site": site, "start": "2026-12-08T10:00:00+09:00"}, format="json"
            ),
            [201, 201, 201, 201, 201, 201, 404, 401, 404, 404],
        )
        hold = self.hold.reference
        self.check(
            "DELETE hold",
            lambda c: c.delete(f"{API}/holds/{hold}/"),
            [204, 404, 204, 404, 204, 204, 404, 401, 404, 404],
        )
        self.check(
            "POST bookings for mei",
            lambda c: c.post(
                f"{API}/bookings/",
                {"site": site, "start": "2026-12-08T10:00:00+09:00", "pregnancy": mei},
                format="json",
            ),
            [404, 201, 201, 201, 201, 201, 404, 401, 404, 404],
        )
        self.check(
            "POST booking from hanako's hold",
            lambda c: c.post(
                f"{API}/bookings/",
                {"hold": hold, "pregnancy": self.w.mei_pregnancy.id},
                format="json",
            ),
            [404, 404, 201, 404, 201, 201, 404, 401, 404, 404],
        )

    def test_pregnancy_notifications_in(self) -> None:
        # Administrators and integration tokens of the municipality only (issue 16).
        record = {
            "municipality": "katsushika",
            "record_key": "K-1",
            "notified_on": "2026-11-25",
            "name": "佐藤 ゆい",
        }
        self.check(
            "POST pregnancy-notifications",
            lambda c: c.post(f"{API}/pregnancy-notifications/", record, format="json"),
            [403, 403, 404, 404, 404, 201, 404, 401, 403, 403],
        )

    def test_pregnancies_by_record_key(self) -> None:
        # Who may send notifications may look them up: the municipality's administrators and
        # its tokens (issue 18); nurses and managers are not its administrators.
        query = {"record_key": "K-1", "municipality": "katsushika"}
        self.check(
            "GET pregnancies",
            lambda c: c.get(f"{API}/pregnancies/", query),
            [403, 403, 404, 404, 404, 200, 404, 401, 403, 403],
        )

    def test_booking_with_her_details(self) -> None:
        # Staff of the site and tokens book a caller by her details; residents cannot, a nurse
        # of another site cannot, another municipality's token cannot see the site.
        body = {
            "site": self.w.aoto.id,
            "start": "2026-12-08T10:00:00+09:00",
            "resident": {"name": "佐々木 桜", "phone": "090-5555-0001"},
        }
        self.check(
            "POST bookings with her details",
            lambda c: c.post(f"{API}/bookings/", body, format="json"),
            [403, 403, 201, 403, 201, 201, 404, 401, 403, 403],
        )

    def test_staff_endpoints(self) -> None:
        sato = self.w.nurse_sato.id
        self.check(
            "GET nurses",
            lambda c: c.get(f"{API}/nurses/"),
            [403, 403, 200, 200, 200, 200, 200, 401, 403, 403],
        )
        self.check(
            "GET schedule",
            lambda c: c.get(f"{API}/nurses/{sato}/schedule/"),
            [403, 403, 200, 404, 200, 200, 404, 401, 403, 403],
        )
        self.check(
            "GET rules",
            lambda c: c.get(f"{API}/nurses/{sato}/rules/"),
            [403, 403, 200, 404, 200, 200, 404, 401, 403, 403],
        )
        rule = {
            "site": self.w.aoto.id,
            "weekday": 5,
            "start_time": "09:00",
            "end_time": "12:00",
            "valid_from": "2026-12-01",
        }
        self.check(
            "POST rules",
            lambda c: c.post(f"{API}/nurses/{sato}/rules/", rule, format="json"),
            [403, 403, 201, 404, 201, 201, 404, 401, 403, 403],
        )
        off = {"start": "2026-12-07T09:00:00+09:00", "end": "2026-12-07T12:00:00+09:00"}
        self.check(
            "POST time off",
            lambda c: c.post(f"{API}/nurses/{sato}/time-off/", off, format="json"),
            [403, 403, 201, 404, 201, 201, 404, 401, 403, 403],
        )
        self.check(
            "GET utilisation",
            lambda c: c.get(f"{API}/reports/utilisation/"),
            [403, 403, 403, 403, 200, 200, 200, 401, 403, 403],
        )

    def test_rules_are_written_only_at_sites_each_may_edit(self) -> None:
        # Sato works at 青戸 and えきにこわ; mori manages 青戸 only.
        sato = self.w.nurse_sato.id
        rule = {
            "site": self.w.eki.id,
            "weekday": 0,
            "start_time": "17:00",
            "end_time": "18:00",
            "valid_from": "2026-12-01",
        }
        self.check(
            "POST rules at eki",
            lambda c: c.post(f"{API}/nurses/{sato}/rules/", rule, format="json"),
            [403, 403, 201, 404, 404, 201, 404, 401, 403, 403],
        )
        eki_rule = self.w.nurse_sato.rules.get(site=self.w.eki).pk
        self.check(
            "PATCH a rule at eki",
            lambda c: c.patch(
                f"{API}/nurses/{sato}/rules/{eki_rule}/", {"end_time": "19:15"}, format="json"
            ),
            [403, 403, 200, 404, 404, 200, 404, 401, 403, 403],
        )

    def test_no_endpoint_gives_staff_data_to_a_staff_session_without_staff_scope(self) -> None:
        """Every endpoint there is (today's and tomorrow's), every method, for sato signed in
        without TOTP or by code: only the public reads answer 2xx, and her booking list is empty."""
        from django.urls import URLPattern, reverse

        from api import urls as api_urls

        public = {"schema", "docs", "redoc", "sites", "availability"}
        rule = self.w.nurse_sato.rules.first()
        assert rule is not None
        real = {"reference": self.booking.reference, "hold_id": self.hold.reference}
        real |= {"nurse_id": self.w.nurse_sato.id, "rule_id": rule.pk}
        checked = 0
        for pattern in api_urls.v1:
            if not isinstance(pattern, URLPattern):
                continue
            names = pattern.pattern.converters  # type: ignore[attr-defined]
            kwargs = {name: real.get(name, self.w.nurse_sato.id) for name in names}
            url = reverse(f"api:{pattern.name}", kwargs=kwargs)
            for persona in ("sato_no_totp", "sato_by_code"):
                client = self.clients[persona]
                for method in ("get", "post", "patch", "delete"):
                    with self.subTest(url=url, persona=persona, method=method):
                        response = rolled_back(
                            lambda c=client, m=method, u=url: getattr(c, m)(u, {}, format="json")
                        )
                        checked += 1
                        if response.status_code < 300 and pattern.name not in public:
                            self.assertEqual(pattern.name, "bookings", url)
                            self.assertEqual(response.json()["results"], [])
        self.assertGreater(checked, 100)

    def test_a_token_of_another_municipality_sees_only_its_own_figures(self) -> None:
        body = self.clients["other_token"].get(f"{API}/reports/utilisation/").json()
        self.assertEqual([row["site"] for row in body["sites"]], [self.w.sakuragawa_site.id])

    def test_nobody_but_staff_sees_which_nurse(self) -> None:
        ref = self.booking.reference
        self.assertNotIn("nurse", self.clients["hanako"].get(f"{API}/bookings/{ref}/").json())
        self.assertIn("nurse", self.clients["sato"].get(f"{API}/bookings/{ref}/").json())
        self.assertEqual(Booking.objects.get(reference=ref).status, "confirmed")


class TokenScopeMatrixTest(MatrixWorld):
    """Scopes join the matrix: each endpoint needs one scope of a token, a token without it gets
    403 (a problem), and the same token with only that scope gets what the full token gets."""

    def _scoped(self, scopes: list[str]) -> APIClient:
        raw = api_token_create(municipality=self.w.katsushika, name="scoped", scopes=scopes)[1]
        return self.client_for(raw)

    def endpoints(self) -> list[tuple[str, str, Callable[[APIClient], Any], list[str], int]]:
        """(url name, method, call, the scopes it needs, what the scoped token gets)."""
        ref, today, hold = self.booking.reference, self.today.reference, self.hold.reference
        sato, site = self.w.nurse_sato.id, self.w.aoto.id
        rule = self.w.nurse_sato.rules.filter(site=self.w.aoto).first()
        assert rule is not None
        off = TimeOff.objects.create(
            nurse=self.w.nurse_sato, start=tokyo(2026, 12, 14, 9), end=tokyo(2026, 12, 14, 12)
        )
        rules, offs = f"{API}/nurses/{sato}/rules/", f"{API}/nurses/{sato}/time-off/"
        slot = {"site": site, "start": "2026-12-08T10:00:00+09:00"}
        read, write = [Scope.READ_BOOKINGS], [Scope.WRITE_BOOKINGS]
        personal = [Scope.PERSONAL_DATA]
        rule_body = {
            "site": site,
            "weekday": 5,
            "start_time": "09:00",
            "end_time": "12:00",
            "valid_from": "2026-12-01",
        }
        off_body = {"start": "2026-12-07T09:00:00+09:00", "end": "2026-12-07T12:00:00+09:00"}
        notification = {"record_key": "K-1", "notified_on": "2026-11-25", "name": "佐藤 ゆい"}
        her = {"name": "佐々木 桜", "phone": "090-5555-0001"}

        def post(url: str, body: dict) -> Callable[[APIClient], Any]:
            return lambda c: c.post(url, body, format="json")

        return [
            ("bookings", "GET", lambda c: c.get(f"{API}/bookings/"), read, 200),
            ("booking", "GET", lambda c: c.get(f"{API}/bookings/{ref}/"), read, 200),
            ("ics", "GET", lambda c: c.get(f"{API}/bookings/{ref}/ics"), read, 200),
            ("nurses", "GET", lambda c: c.get(f"{API}/nurses/"), read, 200),
            ("schedule", "GET", lambda c: c.get(f"{API}/nurses/{sato}/schedule/"), read, 200),
            ("rules", "GET", lambda c: c.get(rules), read, 200),
            ("rule", "GET", lambda c: c.get(f"{rules}{rule.pk}/"), read, 200),
            ("time_off_list", "GET", lambda c: c.get(offs), read, 200),
            ("time_off", "GET", lambda c: c.get(f"{offs}{off.pk}/"), read, 200),
            ("contacts", "GET", lambda c: c.get(f"{API}/contacts/"), read, 200),
            (
                "timeline",
                "GET",
                lambda c: c.get(f"{API}/pregnancies/{self.w.hanako_pregnancy.pk}/timeline/"),
                read,
                200,
            ),
            (
                "pregnancies",
                "GET",
                lambda c: c.get(f"{API}/pregnancies/", {"record_key": "K-1"}),
                read + personal,
                200,
            ),
            ("holds", "POST", post(f"{API}/holds/", slot), write, 201),
            ("hold", "DELETE", lambda c: c.delete(f"{API}/holds/{hold}/"), write, 204),
            (
                "bookings",
                "POST",
                post(f"{API}/bookings/", {**slot, "pregnancy": self.w.mei_pregnancy.id}),
                write,
                201,
            ),
            # By her details: her name and number too.
            (
                "bookings",
                "POST",
                post(f"{API}/bookings/", {**slot, "resident": her}),
                write + personal,
                201,
            ),
            ("cancel", "POST", post(f"{API}/bookings/{ref}/cancel/", {}), write, 200),
            (
                "reschedule",
                "POST",
                post(f"{API}/bookings/{ref}/reschedule/", {"start": "2026-12-10T10:00:00+09:00"}),
                write,
                200,
            ),
            (
                "attendance",
                "POST",
                post(f"{API}/bookings/{today}/attendance/", {"attended": True}),
                write,
                200,
            ),
            ("rules", "POST", post(rules, rule_body), write, 201),
            (
                "rule",
                "PUT",
                lambda c: c.put(
                    f"{rules}{rule.pk}/",
                    {
                        **rule_body,
                        "weekday": rule.weekday,
                        "start_time": rule.start_time.isoformat(),
                        "end_time": rule.end_time.isoformat(),
                    },
                    format="json",
                ),
                write,
                200,
            ),
            (
                "rule",
                "PATCH",
                lambda c: c.patch(f"{rules}{rule.pk}/", {"valid_to": "2027-12-31"}, format="json"),
                write,
                200,
            ),
            ("rule", "DELETE", lambda c: c.delete(f"{rules}{rule.pk}/"), write, 204),
            ("time_off_list", "POST", post(offs, off_body), write, 201),
            (
                "time_off",
                "PUT",
                lambda c: c.put(f"{offs}{off.pk}/", off_body, format="json"),
                write,
                200,
            ),
            (
                "time_off",
                "PATCH",
                lambda c: c.patch(f"{offs}{off.pk}/", {"reason": "研修"}, format="json"),
                write,
                200,
            ),
            ("time_off", "DELETE", lambda c: c.delete(f"{offs}{off.pk}/"), write, 204),
            (
                "pregnancy_notifications",
                "POST",
                post(f"{API}/pregnancy-notifications/", notification),
                write + personal,
                201,
            ),
            (
                "utilisation",
                "GET",
                lambda c: c.get(f"{API}/reports/utilisation/"),
                [Scope.REPORTS],
                200,
            ),
        ]

    def test_each_endpoint_needs_its_scopes(self) -> None:
        """Without any one of the scopes it needs: 403. With exactly those: in."""
        for name, method, call, scopes, ok in self.endpoints():
            label = f"{method} {name} ({'+'.join(scopes)})"
            for missing in scopes:
                without = self._scoped([s for s in all_scopes() if s != missing])
                with self.subTest(endpoint=label, token="without " + missing):
                    response = rolled_back(lambda c=without, f=call: f(c))
                    self.assertProblem(response, 403)
            only = self._scoped(scopes)
            with self.subTest(endpoint=label, token="only " + "+".join(scopes)):
                response = rolled_back(lambda c=only, f=call: f(c))
                self.assertEqual(response.status_code, ok, response.content[:300])

    def test_every_operation_a_token_may_call_is_in_the_scope_table(self) -> None:
        """Every URL × method a view lets a token call (its token_scopes) has a row above, so a
        new endpoint cannot join without its scope being checked."""
        from django.urls import URLPattern

        from api import urls as api_urls

        covered = {(name, method) for name, method, *_rest in self.endpoints()}
        for pattern in api_urls.v1:
            if not isinstance(pattern, URLPattern):
                continue
            view = pattern.callback.view_class  # type: ignore[attr-defined]
            for method in getattr(view, "token_scopes", {}):
                if hasattr(view, method.lower()):
                    with self.subTest(url=pattern.name, method=method):
                        self.assertIn((pattern.name, method), covered)

    def test_a_token_without_scopes_reaches_only_the_public_reads(self) -> None:
        from django.urls import URLPattern, reverse

        from api import urls as api_urls

        public = {"schema", "docs", "redoc", "sites", "availability"}
        client = self._scoped([])
        rule = self.w.nurse_sato.rules.first()
        assert rule is not None
        real = {"reference": self.booking.reference, "hold_id": self.hold.reference}
        real |= {"nurse_id": self.w.nurse_sato.id, "rule_id": rule.pk}
        for pattern in api_urls.v1:
            if not isinstance(pattern, URLPattern) or pattern.name in public:
                continue
            names = pattern.pattern.converters  # type: ignore[attr-defined]
            url = reverse(f"api:{pattern.name}", kwargs={n: real.get(n, 1) for n in names})
            for method in ("get", "post", "put", "patch", "delete"):
                with self.subTest(url=url, method=method):
                    response = rolled_back(
                        lambda m=method, u=url: getattr(client, m)(u, {}, format="json")
                    )
                    self.assertIn(response.status_code, (403, 405), response.content[:200])

    def test_her_name_needs_the_personal_data_scope(self) -> None:
        ref = self.booking.reference
        url = f"{API}/bookings/{ref}/"
        without = self._scoped([Scope.READ_BOOKINGS])
        self.assertEqual(without.get(url).json()["resident_name"], "")
        full = self._scoped([Scope.READ_BOOKINGS, Scope.PERSONAL_DATA])
        self.assertEqual(full.get(url).json()["resident_name"], self.w.hanako.name)
