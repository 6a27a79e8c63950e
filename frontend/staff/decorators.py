"""The gate in front of every staff page: signed in, staff, and through TOTP in this session.

- anonymous: to the login page (and back here afterwards);
- signed in but not staff (a resident): 404, as if the page did not exist;
- staff without a TOTP authenticator: to allauth's TOTP activation page;
- staff with one, whose session was not confirmed with a code (a login that skipped the MFA stage,
  e.g. right after activating): to allauth's MFA re-authentication, then back here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from scheduling.access import manager_site_ids, scope_for

View = Callable[..., HttpResponse]


def session_passed_mfa(request: HttpRequest) -> bool:
    """True when this session's sign-in included a TOTP (or recovery) code for this user."""
    return any(
        record.get("method") == "mfa"
        for record in get_authentication_records(request, request.user)
    )


def _mfa_redirect(request: HttpRequest) -> HttpResponse | None:
    has_totp = Authenticator.objects.filter(
        user_id=request.user.pk, type=Authenticator.Type.TOTP
    ).exists()
    if not has_totp:
        return redirect(reverse("mfa_activate_totp"))
    if not session_passed_mfa(request):
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
    return None


def staff_required(view: View) -> View:
    """Staff of at least one site (nurse, manager or administrator), with TOTP."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not scope_for(request.user).is_staff:
            raise Http404
        response = _mfa_redirect(request)
        if response is not None:
            return response
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view: View) -> View:
    """A site manager or municipality administrator (the dashboard's audience)."""

    @staff_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not manager_site_ids(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def municipality_admin_required(view: View) -> View:
    @staff_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not scope_for(request.user).admin_municipality_ids:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
