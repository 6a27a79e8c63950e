"""Who is calling: a signed-in person (session cookie, as on the web pages) or an integration
(`Authorization: Bearer yk_…`, an ApiToken of one municipality)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from scheduling import access

from .models import ApiToken, hash_token

if TYPE_CHECKING:
    from rest_framework.request import Request

    from scheduling.models import User

# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return self._token_user(raw)

    def _token_user(self, raw: str) -> tuple[User, ApiToken]:
        now = timezone.now()
        token = (
            ApiToken.objects.select_related("user", "municipality")
            .filter(
                token_hash=hash_token(raw),
                revoked_at__isnull=True,
                municipality__is_active=True,
                user__is_active=True,
            )
            .first()
        )
        if token is None or (token.expires_at is not None and token.expires_at <= now):
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        user = token.user
        access.scope_for_integration(user, token.municipality_id)
        return user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes unauthenticated requests 401 (with this challenge) rather than 403.
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The web pages' session (residents sign in with allauth's one-time code), CSRF-checked
    on unsafe methods like every other form."""
