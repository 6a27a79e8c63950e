"""What comes back from the SMS provider: her STOP and START, and delivery reports."""

from __future__ import annotations

import unicodedata

from django.db import transaction
from django.utils import timezone

from scheduling.models import Resident

from .dispatch import message_fall_back_to_email
from .models import Message, SmsOptOut
from .tasks import wake_dispatcher_on_commit
from .transports.sms import PERMANENT_CODES

# --- SMS opt-out (STOP) ---------------------------------------------------------------------------

OPT_OUT_WORDS = frozenset(
    {
        "STOP",
        "STOPALL",
        "UNSUBSCRIBE",
        "CANCEL",
        "END",
        "QUIT",
        "OPTOUT",
        "REVOKE",
        "停止",
        "配信停止",
        "ストップ",
        "ていし",
        "はいしんていし",
    }
)
OPT_IN_WORDS = frozenset({"START", "UNSTOP", "YES", "開始", "再開", "配信再開", "はいしんさいかい"})


def sms_keyword(body: str) -> str:
    """The message as a keyword: full-width folded, trimmed, upper case, end punctuation gone."""
    text = unicodedata.normalize("NFKC", body).strip().strip(".!。！、 ").upper()
    return text


def sms_opt_out_record(*, phone: str, keyword: str) -> None:
    """No more SMS to this number (Twilio blocks it too): pending ones fall back to email."""
    with transaction.atomic():
        SmsOptOut.objects.update_or_create(
            phone=phone, defaults={"keyword": keyword[:20], "at": timezone.now()}
        )
        Resident.objects.filter(phone=phone).update(sms_opt_out=True)


def sms_opt_in_record(*, phone: str) -> None:
    with transaction.atomic():
        SmsOptOut.objects.filter(phone=phone).delete()
        Resident.objects.filter(phone=phone).update(sms_opt_out=False)


# --- provider status callbacks --------------------------------------------------------------------

PROVIDER_STATUSES = {
    "sent": Message.Status.SENT,
    "delivered": Message.Status.DELIVERED,
    "undelivered": Message.Status.FAILED,
    "failed": Message.Status.FAILED,
}
# A later callback may not undo what an earlier, more final one said.
RANK: dict[str, int] = {
    Message.Status.SENDING: 0,
    Message.Status.SENT: 1,
    Message.Status.FAILED: 2,
    Message.Status.DELIVERED: 3,
}


def message_record_provider_status(
    *, provider_id: str, status: str, error_code: str = "", message_id: int | None = None
) -> Message | None:
    """Apply Twilio's delivery report. Unknown ids are ignored (the caller still answers 200).

    `message_id` comes from our own callback URL: it lets a report settle a send whose outcome
    we never recorded because the worker died after Twilio accepted it.
    """
    new = PROVIDER_STATUSES.get(status)
    now = timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(provider_id=provider_id, channel=Message.Channel.SMS)
            .first()
        )
        if message is None and message_id is not None:
            message = (
                Message.objects.select_for_update()
                .filter(
                    id=message_id,
                    provider_id="",
                    channel=Message.Channel.SMS,
                    status=Message.Status.SENDING,
                )
                .first()
            )
        if message is None or new is None:
            return message
        if RANK.get(new, 0) <= RANK.get(message.status, 99):
            return message  # stale or repeated report
        message.status = new
        message.provider_id = provider_id
        message.attempt_started_at = message.lease_until = None
        message.sent_at = message.sent_at or now
        if message.purpose == Message.Purpose.LOGIN_CODE:
            message.context = {}
        if new == Message.Status.DELIVERED:
            message.delivered_at = now
        if new == Message.Status.FAILED:
            code = int(error_code) if error_code.isdigit() else None
            message.error_code = (error_code or status)[:32]
            message.last_error = (PERMANENT_CODES.get(code, "") if code else "") or (
                f"Twilio reported the message {status}"
            )
        message.save()
        if new == Message.Status.FAILED and message_fall_back_to_email(message=message):
            wake_dispatcher_on_commit()
    return message
