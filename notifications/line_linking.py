"""Linking her LINE account to her Yurikago account: the official account's link-token flow.

1. She follows the account (or writes 連携 / "link" to it): the bot asks LINE for a link token
   for her LINE user id and answers with a button to SITE_ROOT/line/link/?linkToken=….
2. There, signed in as herself, she confirms: a one-time nonce (10 minutes) is stored with her
   resident id and the link token's hash, and she is sent to LINE's account-link dialog.
3. LINE sends the `accountLink` webhook event (result "ok", the nonce, her user id): if the
   nonce is known, unexpired and unused, and was made with the link token issued to this very
   LINE user, that LineFriend is linked to the nonce's resident.

Only hashes of the nonce and the link token are stored. Nothing here logs her LINE user id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from scheduling.models import Resident

from .line_models import LineFriend, LineLinkNonce, LineOfficialAccount
from .transports import TransportError, line_transport
from .transports.base import LineButton

log = logging.getLogger("notifications.line")

NONCE_LIFETIME = dt.timedelta(minutes=10)
# What a follower may write to get the linking button again.
LINK_WORDS = frozenset({"連携", "れんけい", "link", "リンク"})


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def link_page_url(link_token: str) -> str:
    return f"{settings.SITE_ROOT}/line/link/?{urlencode({'linkToken': link_token})}"


def _invite_button(url: str) -> LineButton:
    # The bot does not know her language before she links: Japanese first, English after.
    texts = []
    for language in (settings.LANGUAGE_CODE, "en"):
        with translation.override(language):
            texts.append(
                (
                    gettext("Get your booking messages here on LINE: link your account."),
                    gettext("Link account"),
                )
            )
    text = "\n".join(dict.fromkeys(t for t, _label in texts))
    return LineButton(text=text, label=texts[0][1], url=url, alt_text=text)


def line_link_invite(*, user_id: str, reply_token: str = "") -> bool:
    """Ask LINE for a link token for this follower and send her the linking button. Returns
    whether it went; a LINE error is logged (without her id) and the webhook still answers 200."""
    transport = line_transport()
    try:
        link_token = transport.issue_link_token(user_id)  # type: ignore[attr-defined]
        LineFriend.objects.filter(user_id=user_id).update(
            link_token_hash=token_hash(link_token), updated_at=timezone.now()
        )
        transport.send_button(  # type: ignore[attr-defined]
            user_id=user_id,
            reply_token=reply_token,
            button=_invite_button(link_page_url(link_token)),
        )
    except TransportError as error:
        log.warning("LINE linking invitation not sent (%s)", error.code)
        return False
    return True


def line_link_nonce_create(*, resident: Resident, link_token: str) -> str:
    """The one-time nonce for LINE's account-link dialog (only its hash is kept)."""
    nonce = secrets.token_urlsafe(24)
    now = timezone.now()
    with transaction.atomic():
        # Her spent and expired attempts are of no further use: the table stays small.
        LineLinkNonce.objects.filter(resident=resident).filter(
            Q(expires_at__lte=now) | Q(used_at__isnull=False)
        ).delete()
        LineLinkNonce.objects.create(
            resident=resident,
            nonce_hash=token_hash(nonce),
            link_token_hash=token_hash(link_token),
            expires_at=now + NONCE_LIFETIME,
        )
    return nonce


def account_link_url(*, link_token: str, nonce: str) -> str:
    query = urlencode({"linkToken": link_token, "nonce": nonce})
    return f"{settings.LINE_ACCOUNT_LINK_URL}?{query}"


def line_account_link(*, user_id: str, nonce: str, result: str) -> LineFriend | None:
    """Apply an `accountLink` event. Links nothing (and logs why, without her LINE id) for a
    failed result, an unknown, expired or used nonce, or a nonce made with another follower's
    link token. The same event twice links once: the second finds its nonce used."""
    if result != "ok" or not nonce:
        log.info("LINE account link not made: result %s", "ok" if result == "ok" else "failed")
        return None
    now = timezone.now()
    with transaction.atomic():
        row = LineLinkNonce.objects.select_for_update().filter(nonce_hash=token_hash(nonce)).first()
        if row is None or row.used_at is not None or row.expires_at <= now:
            reason = "unknown" if row is None else ("used" if row.used_at else "expired")
            log.warning("LINE account link refused: nonce %s", reason)
            return None
        friend = LineFriend.objects.select_for_update().filter(user_id=user_id).first()
        if friend is None or friend.link_token_hash != row.link_token_hash:
            log.warning("LINE account link refused: nonce made for another LINE user")
            return None
        row.used_at = now
        row.save(update_fields=["used_at"])
        if friend.resident_id != row.resident_id:
            # One LINE account per resident: a previously linked one stops getting her messages.
            LineFriend.objects.filter(resident_id=row.resident_id).exclude(pk=friend.pk).update(
                resident=None, updated_at=now
            )
            friend.resident_id = row.resident_id
        friend.link_token_hash = ""
        friend.save(update_fields=["resident", "link_token_hash", "updated_at"])
    log.info("LINE account linked (resident %s)", row.resident_id)
    return friend


@dataclass(frozen=True)
class LineStatus:
    """What her bookings page says about LINE, and the order her messages go in."""

    linked: bool
    following: bool
    add_friend_url: str
    qr_code_url: str
    has_phone: bool
    has_email: bool


def line_status_for(resident: Resident | None) -> LineStatus | None:
    """None when her municipality has no LINE official account configured. One query."""
    if resident is None:
        return None
    mine = LineFriend.objects.filter(resident_id=resident.pk)
    account = (
        LineOfficialAccount.objects.filter(municipality_id=resident.municipality_id)
        .annotate(linked=Exists(mine), following=Exists(mine.filter(following=True)))
        .first()
    )
    if account is None:
        return None
    return LineStatus(
        linked=account.linked,
        following=account.following,
        add_friend_url=account.add_friend_url,
        qr_code_url=account.qr_code_url,
        has_phone=bool(resident.phone),
        has_email=bool(resident.email),
    )


def link_token_known(link_token: str) -> bool:
    """Whether the bot issued this link token (the last one for some follower)."""
    return LineFriend.objects.filter(
        link_token_hash=token_hash(link_token), following=True
    ).exists()
