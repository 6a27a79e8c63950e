"""Coarse gates before a view runs; which object she may reach is decided in scheduling.access."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import permissions

from scheduling.access import manager_site_ids, scope_for

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsStaff(permissions.BasePermission):
    """A nurse, a manager, an administrator, or an integration token."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(
            request.user and request.user.is_authenticated and scope_for(request.user).is_staff
        )


class IsManager(permissions.BasePermission):
    """Someone who may see figures for at least one site."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(
            request.user and request.user.is_authenticated and manager_site_ids(request.user)
        )
