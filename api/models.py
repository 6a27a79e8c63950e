"""API tokens for integrations, and the Idempotency-Key ledger for POST /bookings/."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "yk_"  # noqa: S105 - a public prefix, not a secret


def hash_token(raw: str) -> str:
    # Tokens carry 256 bits of randomness, so a plain digest is enough: there is nothing to
    # brute-force, and a lookup by hash stays one indexed query.
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class Scope(models.TextChoices):
    """What a token may do. Public reads (sites, availability) need none."""

    READ_BOOKINGS = "bookings:read", _("Read bookings, nurses and schedules")
    WRITE_BOOKINGS = "bookings:write", _("Hold, book, cancel, reschedule, mark attendance")
    PERSONAL_DATA = "personal_data", _("Residents' names and contact details")
    REPORTS = "reports", _("Reports")


def all_scopes() -> list[str]:
    return [str(scope) for scope in Scope]


class ApiToken(models.Model):
    """A bearer token for one integration, acting as staff of one municipality.

    Only the hash is stored; the token itself is shown once when it is created. Each token has
    its own service user so that bookings and events record which integration acted.
    """

    municipality = models.ForeignKey(
        "scheduling.Municipality",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("municipality"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Who uses it, e.g. the ward's residents system")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_token",
        verbose_name=_("service user"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so an administrator can tell tokens apart without the secret.
    prefix = models.CharField(_("starts with"), max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # A list of Scope values; api.permissions refuses a call whose scope is not in it.
    scopes = models.JSONField(_("scopes"), default=all_scopes)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def allows(self, *scopes: str) -> bool:
        return all(scope in self.scopes for scope in scopes)


class IdempotencyKey(models.Model):
    """One row per (caller, key): inserted before the work, completed with the response.

    The unique constraint is the lock: of many parallel requests with one key exactly one insert
    wins and does the work; the others wait for its stored response and replay it.
    """

    owner = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_unique"),
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"
