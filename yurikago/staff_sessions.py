"""Marks each request's user with how her session signed in, for scheduling.access.scope_for.

The one access policy (scheduling/access.py) gives staff scope only to a session that passed a
password and a TOTP code in this sign-in. That fact lives in the session (allauth's
authentication records); this middleware reads it once per request, lazily, when the user is
first looked at, and marks the user object, so pages, the API's session path, resident pages
and the admin all ask the same scope_for. It runs after AuthenticationMiddleware.

A user signed in during this very request (django.contrib.auth.login) is marked again by the
user_logged_in receiver below, so a fresh login never carries a stale mark.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from allauth.account.internal.flows.login import get_authentication_records
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import Http404
from django.utils.functional import SimpleLazyObject

from scheduling.access import (
    is_staff_or_superuser_account,
    staff_session_mark,
    staff_sign_in_passed,
)

from .session_user import cached_user

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest, HttpResponse


def session_sign_in_methods(
    request: HttpRequest, user: AbstractBaseUser | AnonymousUser
) -> set[str]:
    """The ways this session proved who she is (password, code, mfa…), as allauth recorded."""
    if not user.is_authenticated:
        return set()
    return {str(record.get("method")) for record in get_authentication_records(request, user)}


def mark_user(request: HttpRequest, user: Any) -> Any:
    staff_session_mark(user, staff_sign_in_passed(session_sign_in_methods(request, user)))
    return user


# allauth's account pages for password, e-mail addresses and MFA: for staff accounts only. A
# resident signs in by code; these would let her set a password, or make the site mail any
# address with her self-chosen name in the text.
STAFF_ACCOUNT_PAGES = (
    "/accounts/email/",
    "/accounts/password/set/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
)


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = SimpleLazyObject(lambda: mark_user(request, cached_user(request)))  # type: ignore[assignment]
        if (
            request.path_info.startswith(STAFF_ACCOUNT_PAGES)
            and request.user.is_authenticated
            and not is_staff_or_superuser_account(request.user)
        ):
            raise Http404
        return self.get_response(request)


@receiver(user_logged_in, dispatch_uid="yurikago.staff_sessions.mark_on_login")
def _mark_on_login(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        mark_user(request, user)
