"""The outbox as the booking services see it: queue what a booking change owes her, take back
what it no longer owes, and send a failed message again. Called inside the booking services'
transactions, never on its own.

The dispatcher (dispatch.py, run by tasks.py) reads these rows; the rows, not Celery, are the
source of truth. Reminders go out only within civil hours (CIVIL_HOURS_START … _END, local).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling.errors import booking_error
from scheduling.models import BookingEvent, Resident
from yurikago.db import prepared_cursor
from yurikago.errors import DomainError

from .dispatch import not_worth_sending
from .models import LineFriend, Message, SmsOptOut
from .tasks import wake_dispatcher_on_commit

if TYPE_CHECKING:
    from scheduling.models import Booking, Pregnancy, User

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
    return pregnancy_channels(
        booking.pregnancy, notify_sms=booking.notify_sms, notify_email=booking.notify_email
    )


def pregnancy_channels(
    pregnancy: Pregnancy | None,
    *,
    notify_sms: bool,
    notify_email: bool,
    line_and_stop: tuple[str, bool] | None = None,
) -> list[tuple[str, str]]:
    """(channel, recipient) pairs for the resident of this pregnancy (none without one).
    `line_and_stop`: her LINE user id and her number's STOP, when the caller read them already
    (LINE_USER_SQL, SMS_STOPPED_SQL in its own statement: a direct booking, issue 19)."""
    resident = pregnancy.resident if pregnancy else None
    if resident is None:
        return []
    return resident_channels(
        resident, notify_sms=notify_sms, notify_email=notify_email, line_and_stop=line_and_stop
    )


def resident_channels(
    resident: Resident,
    *,
    notify_sms: bool,
    notify_email: bool,
    line_and_stop: tuple[str, bool] | None = None,
) -> list[tuple[str, str]]:
    """(channel, recipient) pairs for her, by her preference: a booking's messages, and the
    invitations (issue 16), which have no booking, choose their channels the same way."""
    pairs: list[tuple[str, str]] = []
    # LINE first (issue 18): a resident linked to the official account and still following it
    # gets by LINE what would have gone by SMS; a block falls back to SMS (dispatch._failed).
    if not notify_sms:
        line_user, sms_stopped = "", True
    elif line_and_stop is not None:
        line_user, sms_stopped = line_and_stop
    else:
        line_user, sms_stopped = _line_user_and_sms_stop(resident)
    if line_user:
        pairs.append((Message.Channel.LINE, line_user))
    elif notify_sms and resident.phone and not resident.sms_opt_out and not sms_stopped:
        pairs.append((Message.Channel.SMS, resident.phone))
    if notify_email and resident.email:
        pairs.append((Message.Channel.EMAIL, resident.email))
    if not pairs and resident.email:
        # SMS impossible (opted out, no phone): email is better than silence.
        pairs.append((Message.Channel.EMAIL, resident.email))
    return pairs


def _line_user_and_sms_stop(resident: Resident) -> tuple[str, bool]:
    """Her LINE user id if she is linked and still follows the account, and whether her number
    answered STOP: one query, as the STOP check alone was. Fixed SQL: it is on every direct
    booking's path (issue 19)."""
    with prepared_cursor() as cursor:
        cursor.execute(_LINE_AND_STOP_SQL, {"resident": resident.pk, "phone": resident.phone})
        line_user, sms_stopped = cursor.fetchone()
    return line_user or "", bool(sms_stopped)


# Her LINE user id (NULL: none) and her number's STOP, as SQL expressions of the named parameters
# %(resident)s and %(phone)s: here, and in the booking's one read (availability/intervals.py).
# (line_and_stop_annotations below: the same as ORM expressions.)
LINE_USER_SQL = (
    f"(SELECT f.user_id FROM {LineFriend._meta.db_table} f "  # noqa: S608 (model names)
    "WHERE f.resident_id = %(resident)s AND f.following LIMIT 1)"
)
SMS_STOPPED_SQL = (
    f"EXISTS (SELECT 1 FROM {SmsOptOut._meta.db_table} o "  # noqa: S608 (model names)
    "WHERE o.phone = %(phone)s)"
)
_LINE_AND_STOP_SQL = f"SELECT {LINE_USER_SQL}, {SMS_STOPPED_SQL}"


def line_and_stop_annotations(
    resident: Resident | None, *, notify_sms: bool
) -> dict[str, Subquery | Exists]:
    """Her LINE user and her number's STOP as annotations of a query the caller makes anyway
    (a hold confirmed reads them with the hold it locks, issue 19); none when they would not be
    asked (no SMS wanted, no resident). Read back with line_and_stop_read."""
    if resident is None or not notify_sms:
        return {}
    following = LineFriend.objects.filter(resident_id=resident.pk, following=True)
    return {
        "her_line_user": Subquery(following.values("user_id")[:1]),
        "her_sms_stopped": Exists(SmsOptOut.objects.filter(phone=resident.phone)),
    }


def line_and_stop_read(obj: object) -> tuple[str, bool] | None:
    """What line_and_stop_annotations added to `obj` (None: nothing was asked)."""
    if not hasattr(obj, "her_sms_stopped"):
        return None
    return getattr(obj, "her_line_user", None) or "", bool(obj.her_sms_stopped)


class Owed(NamedTuple):
    """A message a booking change owes her, before it is a row: its booking, municipality and
    language are the booking's (messages_from_owed; scheduling/booking_insert.py writes them
    as JSON without a Message instance, issue 19)."""

    purpose: str
    channel: str
    recipient: str
    occurrence: str
    send_at: dt.datetime


def _row(booking: Booking, owed: Owed) -> Message:
    return Message(
        booking=booking,
        municipality_id=booking.municipality_id,
        purpose=owed.purpose,
        channel=owed.channel,
        recipient=owed.recipient,
        occurrence=owed.occurrence,
        language=booking.language,
        send_at=owed.send_at,
    )


def messages_from_owed(booking: Booking, owed: list[Owed]) -> list[Message]:
    """The rows, unsaved, of what messages_owed says the booking owes her."""
    return [_row(booking, o) for o in owed]


def messages_owed(
    *,
    booking: Booking,
    purpose: str,
    now: dt.datetime,
    channels: list[tuple[str, str]] | None = None,
) -> list[Owed]:
    """What a booking change owes her: the notice now, and reminders where they apply, on each
    of her channels (`channels` when the caller read them already: a direct booking reads them
    in its transaction's one read, issue 19)."""
    owed: list[Owed] = []
    occurrence = f"s{booking.sequence}" if purpose in ("reschedule", "cancellation") else ""
    reminders = reminder_times(booking, now) if purpose in ("confirmation", "reschedule") else []
    for channel, recipient in _channels(booking) if channels is None else channels:
        owed.append(Owed(purpose, channel, recipient, occurrence, now))
        for occ, send_at in reminders:
            owed.append(Owed(Message.Purpose.REMINDER, channel, recipient, occ, send_at))
    return owed


def messages_for_booking(
    *,
    booking: Booking,
    purpose: str,
    now: dt.datetime,
    channels: list[tuple[str, str]] | None = None,
) -> list[Message]:
    """The rows a booking change owes her, unsaved (messages_owed)."""
    return messages_from_owed(
        booking, messages_owed(booking=booking, purpose=purpose, now=now, channels=channels)
    )


def messages_queue_for_booking(
    *, booking: Booking, purpose: str, now: dt.datetime | None = None
) -> int:
    """Queue what a booking change owes her (messages_for_booking).

    One INSERT for all rows; a row already queued for the same (booking, purpose, channel,
    occurrence) is skipped by the unique constraint (ON CONFLICT DO NOTHING / INSERT OR
    IGNORE), so a repeated call queues nothing twice. Returns how many rows were asked for.
    """
    rows = messages_for_booking(booking=booking, purpose=purpose, now=now or timezone.now())
    messages_queue(rows)
    return len(rows)


def messages_queue(rows: list[Message]) -> None:
    """Insert rows made by messages_for_booking (one INSERT; a row already queued is skipped by
    the unique constraint) and wake the dispatcher when the transaction commits."""
    if rows:
        Message.objects.bulk_create(rows, ignore_conflicts=True)
        wake_dispatcher_on_commit()


def messages_queued_by_caller() -> None:
    """The caller inserted the rows itself, inside its statement (scheduling/booking_insert.py):
    wake the dispatcher when the transaction commits."""
    wake_dispatcher_on_commit()


def messages_void_pending(*, booking: Booking) -> int:
    """A cancelled or moved booking takes back everything not yet sent."""
    return Message.objects.filter(booking=booking, status=Message.Status.PENDING).update(
        status=Message.Status.CANCELLED, updated_at=timezone.now()
    )


# --- staff: send a failed message again -----------------------------------------------------------


def message_resend(*, message_id: int, actor: User, now: dt.datetime | None = None) -> Message:
    """Staff send a failed message again: after a provider outage outlasted the retries, or once
    her number or address has been corrected. The same row goes back to the outbox (so the
    uniqueness rule still holds), to her contact as it is now, and the booking's log says who
    asked. Raises DomainError when it would be wrong to send it."""
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
            raise DomainError("invalid_state", _("Only a message that failed can be sent again."))
        if message.purpose == Message.Purpose.LOGIN_CODE:
            raise DomainError(
                "invalid_state", _("A sign-in code is not sent again: she can ask for a new one.")
            )
        message.send_at = now
        if not_worth_sending(message, now) is not None:
            raise DomainError(
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
    assert message.booking is not None
    pregnancy = message.booking.pregnancy
    resident = pregnancy.resident if pregnancy else None
    if message.channel == Message.Channel.LINE:
        # Her LINE user id as it is now: only while she is linked and still follows the account.
        friend = (
            LineFriend.objects.filter(resident=resident, following=True).first()
            if resident is not None
            else None
        )
        if friend is None:
            raise DomainError(
                "invalid", _("She no longer receives LINE messages from us: use SMS or email.")
            )
        return friend.user_id
    if message.channel == Message.Channel.EMAIL:
        if resident is None or not resident.email:
            raise DomainError("invalid", _("There is no email address on file for her."))
        return resident.email
    if resident is None or not resident.phone:
        raise DomainError("invalid", _("There is no mobile number on file for her."))
    if resident.sms_opt_out or SmsOptOut.objects.filter(phone=resident.phone).exists():
        raise DomainError(
            "invalid", _("She has stopped our SMS (STOP): please call her or use email.")
        )
    return resident.phone
