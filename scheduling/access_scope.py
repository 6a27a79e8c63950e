"""Scope: what a signed-in person may reach, and the one staff-session policy behind it.

The core of scheduling.access (import from there): `Scope`, `scope_for` and the sign-in policy
(staff scope only for a session that passed password + TOTP, or an integration token). The
object look-ups by kind build on it in access_bookings.py and access_staff.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .models import Nurse, Resident, Site, StaffRole, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class Scope:
    """What a signed-in person may reach, computed once per request."""

    resident_id: int | None = None
    nurse_id: int | None = None
    # site ids she may see as staff (nurse sites ∪ managed sites ∪ all sites she administers)
    site_ids: frozenset[int] = field(default_factory=frozenset)
    admin_municipality_ids: frozenset[int] = field(default_factory=frozenset)
    manager_site_ids: frozenset[int] = field(default_factory=frozenset)
    municipality_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return bool(self.site_ids or self.admin_municipality_ids)

    @property
    def is_manager(self) -> bool:
        return bool(self.manager_site_ids or self.admin_municipality_ids)

    def without_staff(self) -> Scope:
        """What is left of her scope in a session that did not pass staff sign-in: her own
        bookings as a resident, nothing as staff."""
        return Scope(resident_id=self.resident_id)


# --- Staff sessions: the one policy --------------------------------------------------------------

# How a session signed in, as allauth records it ("authentication records"): staff need both.
STAFF_SIGN_IN_METHODS = frozenset({"password", "mfa"})
_STAFF_SESSION = "_yurikago_staff_session"


def staff_sign_in_passed(methods: Iterable[str]) -> bool:
    """True when this session's sign-in included a password and a TOTP (or recovery) code."""
    return STAFF_SIGN_IN_METHODS <= set(methods)


def staff_session_mark(user: User | AnonymousUser, passed: bool) -> None:
    """Record, for this request's user object, whether her session passed staff sign-in.
    Set by the web layer (yurikago.staff_sessions middleware) from the session, and by the API's
    token authentication. A user object nobody marked holds no staff scope: fail closed."""
    if user.is_authenticated:
        setattr(user, _STAFF_SESSION, passed)  # on the user itself, also through a lazy proxy


def staff_session_passed(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and getattr(user, _STAFF_SESSION, None) is True)


def is_staff_account(user: User | AnonymousUser) -> bool:
    """A nurse, manager or administrator, however this session signed in. Only for choosing
    where to send her (TOTP set-up rather than 404); never for showing or changing data."""
    return user.is_authenticated and _account_scope(user).is_staff


def is_staff_or_superuser_account(user: User | AnonymousUser) -> bool:
    """Accounts that must sign in with password and TOTP, never with a one-time code."""
    return bool(getattr(user, "is_superuser", False) or getattr(user, "is_staff", False)) or (
        is_staff_account(user)
    )


def may_use_admin(user: User | AnonymousUser) -> bool:
    """The Django admin: an active superuser whose session passed password + TOTP."""
    return bool(
        user.is_authenticated
        and user.is_active
        and getattr(user, "is_superuser", False)
        and staff_session_passed(user)
    )


def scope_for(user: User | AnonymousUser) -> Scope:
    """What she may reach in this request: her account's scope, less all staff scope unless the
    session passed staff sign-in (password + TOTP) or is an integration token."""
    if not user.is_authenticated:
        return Scope()
    scope = _account_scope(user)
    if scope.is_staff and not staff_session_passed(user):
        return scope.without_staff()
    return scope


def _account_scope(user: User) -> Scope:
    cached = getattr(user, "_yurikago_scope", None)
    if cached is not None:
        return cached
    resident = _resident_unless_staff(user)
    if resident is not None:
        scope = Scope(resident_id=resident.pk)
        _remember_scope(user, scope)
        return scope
    resident_id = getattr(getattr(user, "resident", None), "pk", None)
    nurse = Nurse.objects.filter(user=user, is_active=True).first()
    site_ids: set[int] = set()
    municipality_ids: set[int] = set()
    if nurse:
        site_ids |= set(nurse.sites.values_list("id", flat=True))
        municipality_ids.add(nurse.municipality_id)
    admin_ids: set[int] = set()
    manager_sites: set[int] = set()
    for role in StaffRole.objects.filter(user=user).prefetch_related("sites"):
        municipality_ids.add(role.municipality_id)
        if role.role == StaffRole.Role.MUNICIPALITY_ADMIN:
            admin_ids.add(role.municipality_id)
        else:
            manager_sites |= {s.id for s in role.sites.all()}
    if admin_ids:
        site_ids |= set(
            Site.objects.filter(municipality_id__in=admin_ids).values_list("id", flat=True)
        )
    site_ids |= manager_sites
    scope = Scope(
        resident_id=resident_id,
        nurse_id=nurse.pk if nurse else None,
        site_ids=frozenset(site_ids),
        admin_municipality_ids=frozenset(admin_ids),
        manager_site_ids=frozenset(manager_sites),
        municipality_ids=frozenset(municipality_ids),
    )
    _remember_scope(user, scope)
    return scope


_RESIDENT_UNLESS_STAFF_SQL = (
    f"SELECT r.*, (EXISTS(SELECT 1 FROM {Nurse._meta.db_table} WHERE user_id = %s)"  # noqa: S608
    f" OR EXISTS(SELECT 1 FROM {StaffRole._meta.db_table} WHERE user_id = %s)) AS staff_rows"
    f" FROM {Resident._meta.db_table} r WHERE r.user_id = %s"
)


def _resident_unless_staff(user: User) -> Resident | None:
    """Her resident row when she is a resident and nothing else (no nurse row, active or not,
    and no staff role): ONE query for the commonest caller (a resident booking at 09:00), where
    the resident, nurse and role reads took three. It stays on the user object as
    `user.resident` for the rest of the request. None otherwise (staff, or neither), and then
    the full reads below decide, as before."""
    if User.resident.is_cached(user):
        return None
    # Plain SQL (table names only, from the models): the ORM took longer to build this
    # statement than the database to run it.
    found = list(Resident.objects.raw(_RESIDENT_UNLESS_STAFF_SQL, [user.pk, user.pk, user.pk]))
    resident = found[0] if found else None
    # Cached either way (None too), so `user.resident` asks the database no more.
    User.resident.related.set_cached_value(user, resident)
    if resident is None or vars(resident).get("staff_rows", True):
        return None
    return resident


def account_rows_read(user: User, resident: Resident | None, *, staff_rows: bool) -> None:
    """Her resident row and whether she has any nurse row or staff role, read with the user
    herself (yurikago.session_user, one statement per signed-in request): kept on the user as
    `_resident_unless_staff` would keep them, so scope_for asks the database nothing more for
    a resident who is nothing else, and staff skip the resident read. Without a resident row
    nothing is kept: she is staff or nobody, and a resident row made later in this request
    (a first booking) must still be found."""
    if resident is None:
        return
    User.resident.related.set_cached_value(user, resident)
    Resident.user.field.set_cached_value(resident, user)
    if not staff_rows:
        _remember_scope(user, Scope(resident_id=resident.pk))


def _remember_scope(user: User, scope: Scope) -> None:
    """Keep the scope on this user object for the rest of the request; scope_for reads it back.
    A plain attribute of the instance, not a model field, hence set through its __dict__."""
    vars(user)["_yurikago_scope"] = scope


def signed_in(user: User | AnonymousUser) -> User:
    """The user of a page behind a sign-in gate (staff_required, resident_login_required): the
    gate has sent anyone not signed in away before the page runs."""
    assert user.is_authenticated, "a page that needs a signed-in user ran without its gate"
    return user


def manager_site_ids(user: User | AnonymousUser) -> frozenset[int]:
    """Sites whose figures she may see on the dashboard."""
    scope = scope_for(user)
    if scope.admin_municipality_ids:
        return scope.site_ids
    return scope.manager_site_ids


# --- API callers (api/) -----------------------------------------------------------------------


def hold_owner_key(user: User | AnonymousUser) -> str:
    """What a hold placed through the API records as its owner."""
    return f"user:{user.pk}" if user.is_authenticated else ""


def scope_for_integration(user: User, municipality_id: int) -> Scope:
    """An integration's API token acts as staff of its one municipality: every site there, as
    an administrator would, and nothing of any other municipality. Bound to the token's service
    user for this request, so every access_* function above answers for the token."""
    site_ids = frozenset(
        Site.objects.filter(municipality_id=municipality_id).values_list("id", flat=True)
    )
    scope = Scope(
        site_ids=site_ids,
        admin_municipality_ids=frozenset({municipality_id}),
        municipality_ids=frozenset({municipality_id}),
    )
    _remember_scope(user, scope)
    staff_session_mark(user, True)
    return scope


def follow_up_scope(user: User | AnonymousUser) -> tuple[frozenset[int], frozenset[int]]:
    """The follow-up list (フォロー一覧, issue 16) she may see: every staff member (nurse, manager,
    administrator) sees her municipality's notified pregnancies nobody has booked yet (they have
    no site until they book; any of its nurses may call), and the missed interviews at the sites
    she sees as staff. (municipality ids, site ids); both empty for anyone else."""
    scope = scope_for(user)
    if not scope.is_staff:
        return frozenset(), frozenset()
    municipality_ids = scope.municipality_ids | scope.admin_municipality_ids
    return frozenset(municipality_ids), scope.site_ids
