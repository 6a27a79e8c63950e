"""Writing to the outbox. Called inside the booking services' transactions, never on its own.

The dispatcher (tasks.py) reads these rows; the rows, not Celery, are the source of truth.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Message, MessageText, SmsOptOut

if TYPE_CHECKING:
    from scheduling.errors import BookingError
    from scheduling.models import Booking, Municipality, User

log = logging.getLogger(__name__)

# Reminders are not worth sending if they would arrive this close to the interview or to the
# confirmation she has just received.
MIN_GAP = dt.timedelta(hours=1)
EVENING_EDGE = dt.timedelta(minutes=15)


def civil_send_time(send_at: dt.datetime, tz: dt.tzinfo, before: dt.datetime) -> dt.datetime:
    """Move a send time out of the night (CIVIL_HOURS_END … CIVIL_HOURS_START, local).

    It goes to the nearer edge of the allowed window that is still before `before` (the
    interview): back to the evening (a quarter before the end hour) or on to the morning.
    """
    local = send_at.astimezone(tz)
    start_h, end_h = settings.CIVIL_HOURS_START, settings.CIVIL_HOURS_END
    if start_h <= local.hour < end_h:
        return send_at
    day = local.date()
    if local.hour >= end_h:
        evening_day, morning_day = day, day + dt.timedelta(days=1)
    else:
        evening_day, morning_day = day - dt.timedelta(days=1), day
    evening = dt.datetime.combine(evening_day, dt.time(end_h), tzinfo=tz) - EVENING_EDGE
    morning = dt.datetime.combine(morning_day, dt.time(start_h), tzinfo=tz)
    if morning < before and (morning - send_at) <= (send_at - evening):
        return morning
    return evening


def reminder_times(booking: Booking, now: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """(occurrence, send_at) for each reminder the interview type asks for and time allows."""
    tz = booking.municipality.tz
    result = []
    for hours in sorted(set(booking.interview_type.reminder_hours_before), reverse=True):
        send_at = civil_send_time(booking.start - dt.timedelta(hours=int(hours)), tz, booking.start)
        if send_at < now + MIN_GAP or send_at > booking.start - MIN_GAP / 2:
            continue
        result.append((f"{int(hours)}h-s{booking.sequence}", send_at))
    return result


def _channels(booking: Booking) -> list[tuple[str, str]]:
    """(channel, recipient) pairs she asked for and can receive."""
    resident = booking.pregnancy.resident if booking.pregnancy else None
    if resident is None:
        return []
    pairs: list[tuple[str, str]] = []
    if booking.notify_sms and resident.phone and not resident.sms_opt_out:
        if not SmsOptOut.objects.filter(phone=resident.phone).exists():
            pairs.append((Message.Channel.SMS, resident.phone))
    if booking.notify_email and resident.email:
        pairs.append((Message.Channel.EMAIL, resident.email))
    if not pairs and resident.email:
        # SMS impossible (opted out, no phone): email is better than silence.
        pairs.append((Message.Channel.EMAIL, resident.email))
    return pairs


def _row(
    booking: Booking,
    purpose: str,
    channel: str,
    recipient: str,
    occurrence: str,
    send_at: dt.datetime,
) -> Message:
    return Message(
        booking=booking,
        municipality_id=booking.municipality_id,
        purpose=purpose,
        channel=channel,
        recipient=recipient,
        occurrence=occurrence,
        language=booking.language,
        send_at=send_at,
    )


def messages_queue_for_booking(
    *, booking: Booking, purpose: str, now: dt.datetime | None = None
) -> int:
    """Queue what a booking change owes her: the notice now, and reminders where they apply.

    One INSERT for all rows; a row already queued for the same (booking, purpose, channel,
    occurrence) is skipped by the unique constraint (ON CONFLICT DO NOTHING / INSERT OR
    IGNORE), so a repeated call queues nothing twice. Returns how many rows were asked for.
    """
    now = now or timezone.now()
    rows: list[Message] = []
    occurrence = f"s{booking.sequence}" if purpose in ("reschedule", "cancellation") else ""
    for channel, recipient in _channels(booking):
        rows.append(_row(booking, purpose, channel, recipient, occurrence, now))
        if purpose in ("confirmation", "reschedule"):
            for occ, send_at in reminder_times(booking, now):
                rows.append(
                    _row(booking, Message.Purpose.REMINDER, channel, recipient, occ, send_at)
                )
    if rows:
        Message.objects.bulk_create(rows, ignore_conflicts=True)
        wake_dispatcher_on_commit()
    return len(rows)


def messages_void_pending(*, booking: Booking) -> int:
    """A cancelled or moved booking takes back everything not yet sent."""
    return Message.objects.filter(booking=booking, status=Message.Status.PENDING).update(
        status=Message.Status.CANCELLED, updated_at=timezone.now()
    )


def wake_dispatcher_on_commit() -> None:
    """Ask for an immediate dispatch once the transaction commits.

    Only a nudge: if the broker is down the rows stay pending and beat's next run sends them.
    """
    from .tasks import wake_dispatcher

    transaction.on_commit(wake_dispatcher, robust=True)


# --- staff: send a failed message again -----------------------------------------------------------


def message_resend(*, message_id: int, actor: User, now: dt.datetime | None = None) -> Message:
    """Staff send a failed message again: after a provider outage outlasted the retries, or once
    her number or address has been corrected. The same row goes back to the outbox (so the
    uniqueness rule still holds), to her contact as it is now, and the booking's log says who
    asked. Raises BookingError when it would be wrong to send it."""
    from scheduling.errors import BookingError, booking_error
    from scheduling.models import BookingEvent

    from .dispatch import not_worth_sending

    now = now or timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("booking__pregnancy__resident")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.booking is None:
            raise booking_error("not_found")
        if message.status != Message.Status.FAILED:
            raise BookingError("invalid_state", _("Only a message that failed can be sent again."))
        if message.purpose == Message.Purpose.LOGIN_CODE:
            raise BookingError(
                "invalid_state", _("A sign-in code is not sent again: she can ask for a new one.")
            )
        message.send_at = now
        if not_worth_sending(message, now) is not None:
            raise BookingError(
                "invalid_state",
                _("This message no longer fits the booking: it was moved, cancelled or is over."),
            )
        message.recipient = _current_contact(message)
        message.status = Message.Status.PENDING
        message.error_code = message.last_error = message.provider_id = ""
        message.attempt_started_at = message.lease_until = None
        message.sent_at = message.delivered_at = None
        message.save()
        BookingEvent.objects.create(
            booking=message.booking,
            kind=BookingEvent.Kind.UPDATED,
            actor=actor,
            actor_is_staff=True,
            data={"message_resent": message.pk, "purpose": message.purpose},
        )
        wake_dispatcher_on_commit()
    return message


def _current_contact(message: Message) -> str:
    from scheduling.errors import BookingError

    assert message.booking is not None
    pregnancy = message.booking.pregnancy
    resident = pregnancy.resident if pregnancy else None
    if message.channel == Message.Channel.EMAIL:
        if resident is None or not resident.email:
            raise BookingError("invalid", _("There is no email address on file for her."))
        return resident.email
    if resident is None or not resident.phone:
        raise BookingError("invalid", _("There is no mobile number on file for her."))
    if resident.sms_opt_out or SmsOptOut.objects.filter(phone=resident.phone).exists():
        raise BookingError(
            "invalid", _("She has stopped our SMS (STOP): please call her or use email.")
        )
    return resident.phone


# --- login codes ---------------------------------------------------------------------------------


def message_send_login_code(
    *, municipality: Municipality, channel: str, recipient: str, code: str, language: str
) -> Message:
    """Send a sign-in code now, through the outbox so staff can see it went (or did not).

    The code lives on the row only until the send is settled, then it is cleared; it is never
    logged. A transient failure is handed to the send task's retries.
    """
    from .dispatch import RetryLater, message_send

    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.create(
            municipality=municipality,
            purpose=Message.Purpose.LOGIN_CODE,
            channel=channel,
            recipient=recipient,
            language=language,
            context={"code": code},
            send_at=now,
            status=Message.Status.SENDING,
            claim=1,
            claimed_at=now,
            lease_until=now + dt.timedelta(seconds=settings.MESSAGE_LEASE_SECONDS),
        )
    try:
        message_send(message_id=message.pk, claim=1, final_attempt=False)
    except RetryLater:
        _retry_later(message.pk)
    message.refresh_from_db()
    return message


def _retry_later(message_id: int) -> None:
    from .tasks import send_message

    try:
        # The first attempt was made here, in the request: the task has the rest.
        send_message.apply_async(
            (message_id, 1),
            retries=1,
            countdown=settings.MESSAGE_RETRY_BACKOFF_SECONDS,
            retry=False,
        )
    except Exception:  # broker down: the lease runs out and the dispatcher takes it again
        log.warning("could not hand message %s to the broker for a retry", message_id)


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
    from scheduling.models import Resident

    with transaction.atomic():
        SmsOptOut.objects.update_or_create(
            phone=phone, defaults={"keyword": keyword[:20], "at": timezone.now()}
        )
        Resident.objects.filter(phone=phone).update(sms_opt_out=True)


def sms_opt_in_record(*, phone: str) -> None:
    from scheduling.models import Resident

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
    from .dispatch import message_fall_back_to_email
    from .transports.sms import PERMANENT_CODES

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
        if new == Message.Status.FAILED:
            message_fall_back_to_email(message=message)
    return message


# A municipality's own text may use the shipped variables and filters, nothing that reaches
# other templates or dumps the context.
_TAGS_REFUSED = re.compile(r"\{%\s*(load|include|extends|debug|block|ssi)\b")
SAMPLE_REFERENCE = "ACDEFGHJ"
SAMPLE_CODE = "482913"


def _sample_starts(tz: dt.tzinfo) -> list[dt.datetime]:
    # Two-digit days and months, every weekday name, a late evening time: the longest dates.
    return [dt.datetime(2026, 12, day, 18, 15, tzinfo=tz) for day in range(21, 28)]


def message_text_sample_contexts(
    municipality: Municipality, language: str
) -> list[dict[str, object]]:
    """What a message of this municipality may say at its longest: her longest site name and
    address, a sample reference and login code, the longest dates of a week."""
    from scheduling.models import format_reference

    from .texts import JAPANESE, format_when, municipality_name

    japanese = language in JAPANESE
    sites = list(municipality.sites.all())
    names = [s.name if japanese else (s.name_en or s.name) for s in sites] or [""]
    address = max([s.address for s in sites] or [""], key=len)
    site = max(names, key=len)
    tz = municipality.tz
    return [
        {
            "municipality": municipality_name(municipality, language),
            "site": site,
            "address": address,
            "when": format_when(start, tz, language),
            "when_long": format_when(start, tz, language, long=True),
            "reference": format_reference(SAMPLE_REFERENCE),
            "url": f"{settings.SITE_ROOT}/bookings/{SAMPLE_REFERENCE}/",
            "contact_phone": municipality.contact_phone,
            "code": SAMPLE_CODE,
        }
        for start in _sample_starts(tz)
    ]


def _invalid(field: str, message: object) -> BookingError:
    from scheduling.errors import BookingError

    return BookingError("invalid", message, field=field)  # type: ignore[arg-type]


def _check_template(field: str, source: str, contexts: list[dict[str, object]]) -> list[str]:
    from django.template import TemplateSyntaxError

    from .texts import render_text

    if _TAGS_REFUSED.search(source):
        raise _invalid(field, _("This tag cannot be used in a message text."))
    try:
        return [render_text(source, context) for context in contexts]
    except TemplateSyntaxError as exc:
        raise _invalid(
            field, _("The text is not a valid template: %(error)s") % {"error": exc}
        ) from exc
    except Exception as exc:  # a filter failing on the sample values
        raise _invalid(
            field, _("The text could not be filled in: %(error)s") % {"error": exc}
        ) from exc


def message_text_check(
    *,
    municipality: Municipality,
    channel: str,
    purpose: str,
    language: str,
    subject: str,
    body: str,
) -> list[str]:
    """Refuse a text we would not send; returns it rendered with each sample context."""
    from scheduling.models import Language

    from .texts import HEALTH_WORDS, LINK, sms_segments

    if channel not in Message.Channel.values:
        raise _invalid("channel", _("Unknown channel."))
    if purpose not in Message.Purpose.values:
        raise _invalid("purpose", _("Unknown message."))
    if language not in Language.values:
        raise _invalid("language", _("Unknown language."))
    if not body.strip():
        raise _invalid("body", _("The text cannot be empty."))
    contexts = message_text_sample_contexts(municipality, language)
    if channel == Message.Channel.EMAIL:
        if not subject.strip():
            raise _invalid("subject", _("An email needs a subject."))
        _check_template("subject", subject, contexts)
        return _check_template("body", body, contexts)
    texts = [" ".join(text.split()) for text in _check_template("body", body, contexts)]
    for text in texts:
        if sms_segments(text) > 2:
            raise _invalid(
                "body",
                _(
                    "With the longest site name and date this SMS takes %(n)d parts; "
                    "it may take at most 2 (70 characters each in Japanese, 67 when split)."
                )
                % {"n": sms_segments(text)},
            )
        lowered = text.lower()
        for word in HEALTH_WORDS:
            if word in lowered:
                raise _invalid(
                    "body",
                    _("An SMS may say nothing about pregnancy or health (found “%(word)s”).")
                    % {"word": word},
                )
        if LINK.search(text):
            raise _invalid("body", _("An SMS must make sense without a link: remove the address."))
    return texts


def message_text_save(
    *,
    municipality: Municipality,
    channel: str,
    purpose: str,
    language: str,
    subject: str,
    body: str,
    actor: User | None,
) -> MessageText:
    """Her municipality's own wording of one message (replacing the shipped text)."""
    subject = subject.strip() if channel == Message.Channel.EMAIL else ""
    body = body.strip()
    message_text_check(
        municipality=municipality,
        channel=channel,
        purpose=purpose,
        language=language,
        subject=subject,
        body=body,
    )
    with transaction.atomic():
        text, _created = MessageText.objects.update_or_create(
            municipality=municipality,
            channel=channel,
            purpose=purpose,
            language=language,
            defaults={"subject": subject, "body": body, "updated_by": actor},
        )
    log.info(
        "message text saved municipality=%s channel=%s purpose=%s language=%s by=%s",
        municipality.pk,
        channel,
        purpose,
        language,
        getattr(actor, "pk", None),
    )
    return text


def message_text_reset(
    *, municipality: Municipality, channel: str, purpose: str, language: str, actor: User | None
) -> bool:
    """Back to the shipped text. True when there was an own text to remove."""
    deleted, _rows = MessageText.objects.filter(
        municipality=municipality, channel=channel, purpose=purpose, language=language
    ).delete()
    if deleted:
        log.info(
            "message text reset municipality=%s channel=%s purpose=%s language=%s by=%s",
            municipality.pk,
            channel,
            purpose,
            language,
            getattr(actor, "pk", None),
        )
    return bool(deleted)
