"""The gate in front of every staff page. Whether a session holds staff scope is decided in one
place, scheduling.access.scope_for (password + TOTP in this sign-in); this gate only chooses
where to send someone who does not hold it:

- anonymous: to the login page (and back here afterwards);
- signed in but not a staff account (a resident): 404, as if the page did not exist;
- a staff account without a TOTP authenticator: to allauth's TOTP activation page;
- a staff account with one, signed in by password but not through the TOTP step: to allauth's
  MFA re-authentication, then back here;
- a staff account signed in without a password (a one-time code): 404.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from scheduling.access import is_staff_account, manager_site_ids, scope_for
from yurikago.staff_sessions import session_sign_in_methods

View = Callable[..., HttpResponse]


def staff_sign_in_redirect(request: HttpRequest) -> HttpResponse:
    """Where a staff account goes whose session has not passed password + TOTP: nowhere without
    a password in this sign-in; else to set up TOTP, or to give her code."""
    if "password" not in session_sign_in_methods(request, request.user):
        raise Http404
    has_totp = Authenticator.objects.filter(
        user_id=request.user.pk, type=Authenticator.Type.TOTP
    ).exists()
    if not has_totp:
        return redirect(reverse("mfa_activate_totp"))
    query = urlencode({"next": request.get_full_path()})
    return redirect(f"{reverse('mfa_reauthenticate')}?{query}")


def staff_required(view: View) -> View:
    """Staff of at least one site (nurse, manager or administrator), with TOTP."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff_account(request.user):
            raise Http404
        if not scope_for(request.user).is_staff:
            return staff_sign_in_redirect(request)
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
