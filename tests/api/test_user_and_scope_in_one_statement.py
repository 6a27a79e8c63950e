"""A signed-in request reads her user and her scope's rows in ONE statement
(yurikago/session_user.py), keeping every check of Django's get_user: the session's backend
(ours and allauth's) must be configured, an inactive user is nobody, a session whose auth hash no
longer matches (password changed) is flushed, a hash under a previous SECRET_KEY is cycled."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from scheduling.access import Scope, scope_for, staff_session_mark
from scheduling.models import Nurse, User
from tests.base import BaseTestCase
from yurikago import session_user

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


class OneStatementTest(BaseTestCase):
    def sign_in(self, user: User, backend: str = ALLAUTH_BACKEND) -> None:
        self.client.force_login(user, backend=backend)

    def statements_of(self, path: str) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(path)
        self.assertEqual(response.status_code, 200, response.content[:300])
        return [q["sql"] for q in captured.captured_queries]

    def test_her_bookings_read_her_user_and_scope_in_one_statement(self) -> None:
        self.sign_in(self.w.hanako.user)
        self.client.get("/api/v1/bookings/")  # the session's first request stamps its clock
        sql = self.statements_of("/api/v1/bookings/")
        reading_her = [s for s in sql if "scheduling_resident" in s and "scheduling_user" in s]
        self.assertEqual(len(reading_her), 1, sql)
        # Nothing else reads her user, her resident row or her staff rows.
        others = [s for s in sql if s not in reading_her]
        for table in ("scheduling_user", "scheduling_nurse", "scheduling_staffrole"):
            self.assertFalse([s for s in others if f'FROM "{table}"' in s], sql)
        self.assertFalse([s for s in others if "staff_rows" in s], sql)

    def test_both_backends_of_open_sessions_keep_working(self) -> None:
        for backend in (MODEL_BACKEND, ALLAUTH_BACKEND):
            with self.subTest(backend=backend):
                self.sign_in(self.w.hanako.user, backend)
                request = self.request_with_session()
                user = session_user.get_user(request)
                self.assertEqual(user.pk, self.w.hanako.user.pk)
                staff_session_mark(user, False)
                with self.assertNumQueries(0):
                    self.assertEqual(scope_for(user), Scope(resident_id=self.w.hanako.pk))
                    self.assertEqual(user.resident.pk, self.w.hanako.pk)

    def test_a_backend_no_longer_configured_is_nobody(self) -> None:
        self.sign_in(self.w.hanako.user)
        session = self.client.session
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.RemoteUserBackend"
        session.save()
        self.assertFalse(session_user.get_user(self.request_with_session()).is_authenticated)

    def test_an_inactive_user_is_nobody(self) -> None:
        self.sign_in(self.w.hanako.user)
        User.objects.filter(pk=self.w.hanako.user.pk).update(is_active=False)
        self.assertFalse(session_user.get_user(self.request_with_session()).is_authenticated)

    def test_a_changed_password_signs_the_session_out_and_flushes_it(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        request = self.request_with_session()
        sato = User.objects.get(pk=self.w.nurse_sato.user.pk)
        sato.set_password("a new long passphrase 2026")
        sato.save()
        self.assertFalse(session_user.get_user(request).is_authenticated)
        self.assertNotIn(SESSION_KEY, request.session)

    def test_a_hash_under_the_previous_secret_key_is_cycled_not_signed_out(self) -> None:
        with override_settings(SECRET_KEY="the-previous-key-" + "x" * 40):
            self.sign_in(self.w.hanako.user)
        request = self.request_with_session()
        old_key = request.session.session_key
        with override_settings(
            SECRET_KEY="the-current-key-" + "y" * 40,
            SECRET_KEY_FALLBACKS=["the-previous-key-" + "x" * 40],
        ):
            user = session_user.get_user(request)
            self.assertEqual(user.pk, self.w.hanako.user.pk)
            self.assertEqual(request.session[HASH_SESSION_KEY], user.get_session_auth_hash())
        self.assertNotEqual(request.session.session_key, old_key)

    def test_a_nurse_keeps_her_full_scope(self) -> None:
        self.sign_in(self.w.nurse_sato.user)
        user = session_user.get_user(self.request_with_session())
        staff_session_mark(user, True)
        nurse = Nurse.objects.get(user=self.w.nurse_sato.user)
        scope = scope_for(user)
        self.assertEqual(scope.nurse_id, nurse.pk)
        self.assertEqual(scope.site_ids, frozenset(nurse.sites.values_list("id", flat=True)))

    def test_a_resident_made_later_in_the_request_is_found(self) -> None:
        # A user without a resident row (as after a first sign-in by code) gets nothing cached.
        self.sign_in(self.w.nurse_sato.user)
        user = session_user.get_user(self.request_with_session())
        self.assertEqual(session_user.own_municipality_code(user), (False, None))
        self.assertFalse(User.resident.is_cached(user))

    def test_her_municipality_code_comes_with_her(self) -> None:
        self.sign_in(self.w.hanako.user)
        user = session_user.get_user(self.request_with_session())
        self.assertEqual(session_user.own_municipality_code(user), (True, self.w.katsushika.code))

    def request_with_session(self):  # type: ignore[no-untyped-def]
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        request.session = self.client.session
        return request
