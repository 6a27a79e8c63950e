"""Issuing and revoking integration tokens (admin and `manage.py api_token`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, Scope, all_scopes, hash_token, new_raw_token

if TYPE_CHECKING:
    from scheduling.models import Municipality, User


def api_token_create(
    *,
    municipality: Municipality,
    name: str,
    created_by: User | None = None,
    expires_at: dt.datetime | None = None,
    scopes: list[str] | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its secret. The secret is returned once and never stored.

    `scopes` (Scope values) defaults to all of them, as tokens had before scopes existed.
    """
    scopes = all_scopes() if scopes is None else [str(Scope(scope)) for scope in scopes]
    raw = new_raw_token()
    with transaction.atomic():
        # A service user per token: bookings and events record which integration acted. It has
        # no password and no email, so nobody can sign in as it on the web pages.
        user = get_user_model()(email=None, display_name=f"API: {name}"[:100], is_active=True)
        user.set_unusable_password()
        user.save()
        token = ApiToken.objects.create(
            municipality=municipality,
            name=name,
            user=user,
            token_hash=hash_token(raw),
            prefix=raw[:10],
            created_by=created_by,
            expires_at=expires_at,
            scopes=scopes,
        )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stops the token at once; the row stays, so past actions keep their author."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
