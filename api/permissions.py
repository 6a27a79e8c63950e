"""Coarse gates before a view runs; which object she may reach is decided in scheduling.access.

An integration token also needs the scope its call asks for (api.models.Scope): each view names
the scopes per method in `token_scopes`, and a view that names none refuses every token. Signed-in
people (session) are not limited by scopes: what they see is their role's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rest_framework import permissions

from scheduling.access import manager_site_ids, scope_for

from .models import ApiToken

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

# HEAD and OPTIONS read what GET reads.
_READ_ALIASES = {"HEAD": "GET", "OPTIONS": "GET"}


def calling_token(request: Request) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


def token_allows(request: Request, *scopes: str) -> bool:
    """True for a session, or for a token holding every one of `scopes`."""
    token = calling_token(request)
    return token is None or token.allows(*scopes)


def _view_scopes(request: Request, view: APIView) -> Sequence[str] | None:
    table: Mapping[str, Sequence[str]] = getattr(view, "token_scopes", {})
    return table.get(_READ_ALIASES.get(request.method or "", request.method or ""))


class TokenScope(permissions.BasePermission):
    """A token passes only with the scopes the view names for this method."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        token = calling_token(request)
        if token is None:
            return True
        needed = _view_scopes(request, view)
        return needed is not None and token.allows(*needed)


class IsSignedIn(permissions.IsAuthenticated):
    """Anyone signed in (a resident, staff, a token), a token within its scopes."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and TokenScope().has_permission(request, view)


class IsStaff(permissions.BasePermission):
    """A nurse, a manager, an administrator, or an integration token within its scopes."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(
            request.user
            and request.user.is_authenticated
            and scope_for(request.user).is_staff
            and TokenScope().has_permission(request, view)
        )


class IsManager(permissions.BasePermission):
    """Someone who may see figures for at least one site (a token: with the reports scope)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(
            request.user
            and request.user.is_authenticated
            and manager_site_ids(request.user)
            and TokenScope().has_permission(request, view)
        )
