"""The signed-in user of a request, read with her account's scope in ONE statement (issue 19).

Django's `get_user` reads the user row, and every API request then read her scope (her resident
row and "any nurse row or staff role?") and, for an availability GET, her municipality's code:
two or three statements per signed-in request where one does. `get_user` below is Django 6.1's
`django.contrib.auth.get_user` with every check kept (the session's backend must be in
AUTHENTICATION_BACKENDS, the backend's `user_can_authenticate`, the session auth hash compared
in constant time, fallback keys cycling the session, a flush on a mismatch); only the user's
read differs, and only for backends that keep ModelBackend's `get_user` (ours and allauth's, so
every open session keeps its backend and nobody is signed out). Any other backend is asked as
Django asks it.

`AuthenticationMiddleware` is Django's with this `get_user`; the rest of the request (the idle
clock, the staff-session mark, DRF's session authentication, scope_for) sees the one user object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from scheduling.access_scope import account_rows_read
from scheduling.models import Municipality, Nurse, Resident, StaffRole, User

from .db import instance_from_row, prepared_cursor

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

# Her municipality's code when she is a resident of an active one (None: of an inactive one),
# kept on the user object by the read below; absent when she has no resident row.
_OWN_CODE = "_yurikago_own_municipality_code"
_UNKNOWN = object()


def get_user(request: HttpRequest) -> User | AnonymousUser:
    """django.contrib.auth.get_user, the user read with her scope's rows (see the module)."""
    from django.contrib.auth.models import AnonymousUser

    user = None
    try:
        user_id = auth._get_user_session_key(request)  # type: ignore[attr-defined]
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            backend = auth.load_backend(backend_path)
            user = _backend_user(backend, user_id)
            # Verify the session (as Django does, word for word).
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(auth.HASH_SESSION_KEY)
                if not session_hash:
                    session_hash_verified = False
                else:
                    session_auth_hash = user.get_session_auth_hash()
                    session_hash_verified = constant_time_compare(session_hash, session_auth_hash)
                if not session_hash_verified:
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback_auth_hash)
                        for fallback_auth_hash in user.get_session_auth_fallback_hash()
                    ):
                        request.session.cycle_key()
                        request.session[auth.HASH_SESSION_KEY] = session_auth_hash
                    else:
                        request.session.flush()
                        user = None
    return user or AnonymousUser()


def _backend_user(backend: Any, user_id: Any) -> Any:
    if type(backend).get_user is not ModelBackend.get_user or auth.get_user_model() is not User:
        return backend.get_user(user_id)
    user = user_with_account_rows(user_id)
    return user if user is not None and backend.user_can_authenticate(user) else None


def cached_user(request: HttpRequest) -> User | AnonymousUser:
    """The request's user, read once (django.contrib.auth.middleware.get_user's cache)."""
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)  # its checks, and `auser` (the async path) as it is
        request.user = SimpleLazyObject(lambda: cached_user(request))  # type: ignore[assignment]


def _account_sql() -> str:
    qn = connection.ops.quote_name
    code = qn(str(Municipality._meta.get_field("code").column))
    active = qn(str(Municipality._meta.get_field("is_active").column))
    user_t, res_t = qn(User._meta.db_table), qn(Resident._meta.db_table)
    columns = ", ".join(
        f"{alias}.{qn(str(f.column))}"
        for model, alias in ((User, "u"), (Resident, "r"))
        for f in model._meta.concrete_fields
    )
    return (
        f"SELECT {columns},"  # noqa: S608 (model tables and columns only)
        f" (EXISTS(SELECT 1 FROM {qn(Nurse._meta.db_table)} n WHERE n.user_id = u.id)"
        f" OR EXISTS(SELECT 1 FROM {qn(StaffRole._meta.db_table)} sr WHERE sr.user_id = u.id)),"
        f" CASE WHEN m.{active} THEN m.{code} END"
        f" FROM {user_t} u LEFT JOIN {res_t} r ON r.user_id = u.id"
        f" LEFT JOIN {qn(Municipality._meta.db_table)} m ON m.id = r.municipality_id"
        " WHERE u.id = %s"
    )


# By database vendor (built on first use, with that backend's quoting).
_ACCOUNT_SQL: dict[str, str] = {}


def user_with_account_rows(user_id: Any) -> User | None:
    """The user (None if there is none), with her resident row, whether she has any nurse row
    or staff role, and her municipality's code, in one statement, prepared once per connection
    (its text is fixed). Her resident row is kept as `user.resident` and, when she is a
    resident and nothing else, her scope as scope_for would compute it (access_scope)."""
    sql = _ACCOUNT_SQL.get(connection.vendor) or _ACCOUNT_SQL.setdefault(
        connection.vendor, _account_sql()
    )
    with prepared_cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(User._meta.concrete_fields)
    user = cast("User", instance_from_row(User, row[:split]))  # u.id is the WHERE's: never NULL
    resident = instance_from_row(Resident, row[split : split + len(Resident._meta.concrete_fields)])
    staff_rows, own_code = row[-2], row[-1]
    if resident is not None:
        vars(user)[_OWN_CODE] = own_code
    account_rows_read(user, resident, staff_rows=bool(staff_rows))
    return user


def own_municipality_code(user: User) -> tuple[bool, str | None]:
    """(known, code): a resident's municipality code (None: an inactive municipality) when the
    read above found her resident row; (False, None) otherwise (then read it as before)."""
    # getattr, not vars(): the request's user is a lazy proxy of the object read.
    code = getattr(user, _OWN_CODE, _UNKNOWN)
    return (False, None) if code is _UNKNOWN else (True, cast("str | None", code))
