"""The Django admin behind the one access policy.

Its own password form is gone: /admin/login/ goes through allauth's login (allauth's
`secure_admin_login`), so the admin gets the same rate limits and the same TOTP step as the staff
portal. Only an active superuser whose session passed password + TOTP
(scheduling.access.may_use_admin) gets in; nurses, managers and administrators are not
`is_staff` and get 403 as any other signed-in account.
"""

from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from frontend.staff.decorators import staff_sign_in_redirect
from scheduling.access import may_use_admin


def admin_has_permission(request: HttpRequest) -> bool:
    return may_use_admin(request.user)


def _admin_login(request: HttpRequest, extra_context: object = None) -> HttpResponse:
    """Reached only by a signed-in `is_staff` account (secure_admin_login sends everyone else
    to allauth's login, or refuses them)."""
    user = request.user
    if may_use_admin(user):
        wanted = request.GET.get(REDIRECT_FIELD_NAME, "")
        safe = url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return redirect(wanted if wanted and safe else reverse("admin:index"))
    if getattr(user, "is_superuser", False):
        return staff_sign_in_redirect(request)
    raise PermissionDenied


def secure_the_admin(site: admin.AdminSite) -> None:
    site.login = secure_admin_login(_admin_login)  # type: ignore[method-assign]
    site.has_permission = admin_has_permission  # type: ignore[method-assign]
