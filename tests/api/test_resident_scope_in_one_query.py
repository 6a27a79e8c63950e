"""A resident's scope (what she may reach) costs one query: every hold and booking at 09:00
asks it. A resident who is also staff keeps exactly the scope the full reads gave her."""

from __future__ import annotations

from scheduling.access import Scope, scope_for, staff_session_mark
from scheduling.models import Nurse, StaffRole, User
from tests.base import BaseTestCase


class ResidentScopeTest(BaseTestCase):
    def fresh(self, user: User, *, staff_session: bool = False) -> User:
        """The user as a request loads her, marked as the middleware marks her."""
        user = User.objects.get(pk=user.pk)
        staff_session_mark(user, staff_session)
        return user

    def test_her_scope_is_one_query_and_her_resident_row_comes_with_it(self) -> None:
        hanako = self.fresh(self.w.hanako.user)
        with self.assertNumQueries(1):
            scope = scope_for(hanako)
            self.assertEqual(hanako.resident.municipality_id, self.w.katsushika.pk)
        self.assertEqual(scope, Scope(resident_id=self.w.hanako.pk))

    def test_a_resident_who_is_a_nurse_keeps_her_nurse_scope(self) -> None:
        hanako = self.w.hanako.user
        nurse = Nurse.objects.create(user=hanako, municipality=self.w.katsushika, name="山田")
        nurse.sites.set([self.w.aoto])
        scope = scope_for(self.fresh(hanako, staff_session=True))
        self.assertEqual(scope.resident_id, self.w.hanako.pk)
        self.assertEqual(scope.nurse_id, nurse.pk)
        self.assertEqual(scope.site_ids, frozenset({self.w.aoto.pk}))
        # Signed in by code, not password + TOTP: no staff scope, her own bookings only.
        self.assertEqual(scope_for(self.fresh(hanako)), Scope(resident_id=self.w.hanako.pk))

    def test_an_inactive_nurse_row_gives_nothing_more(self) -> None:
        hanako = self.w.hanako.user
        nurse = Nurse.objects.create(
            user=hanako, municipality=self.w.katsushika, name="山田", is_active=False
        )
        nurse.sites.set([self.w.aoto])
        scope = scope_for(self.fresh(hanako, staff_session=True))
        self.assertEqual(scope, Scope(resident_id=self.w.hanako.pk))

    def test_a_resident_who_manages_a_site_keeps_it(self) -> None:
        hanako = self.w.hanako.user
        role = StaffRole.objects.create(
            user=hanako, municipality=self.w.katsushika, role=StaffRole.Role.SITE_MANAGER
        )
        role.sites.set([self.w.eki])
        scope = scope_for(self.fresh(hanako, staff_session=True))
        self.assertEqual(scope.resident_id, self.w.hanako.pk)
        self.assertEqual(scope.manager_site_ids, frozenset({self.w.eki.pk}))
        self.assertEqual(scope.site_ids, frozenset({self.w.eki.pk}))
        self.assertEqual(scope.municipality_ids, frozenset({self.w.katsushika.pk}))

    def test_staff_who_are_not_residents_read_as_before(self) -> None:
        sato = self.fresh(self.w.nurse_sato.user, staff_session=True)
        scope = scope_for(sato)
        self.assertIsNone(scope.resident_id)
        self.assertEqual(scope.nurse_id, self.w.nurse_sato.pk)
        self.assertEqual(scope.site_ids, frozenset({self.w.aoto.pk, self.w.eki.pk}))
