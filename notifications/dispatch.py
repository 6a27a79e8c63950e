"""Claiming due outbox rows, sending one, and settling sends whose outcome was lost.

The rows are the source of truth; Celery only carries `(message_id, claim)` pairs.

A row's life: PENDING → (claimed by the dispatcher, `claim` += 1) SENDING → one send per claim
(rows travel to the workers in batches, each row on its own claim) → SENT (→ DELIVERED by
Twilio's callback) or FAILED, or CANCELLED/SKIPPED when it is no longer worth sending.
Three rules keep "nothing lost, nothing sent twice":

1. Claims are conditional updates (`status=PENDING` → SENDING), so one row is claimed once.
2. A send task acts only while the row is SENDING under the claim it was given, and it takes
   the attempt with another conditional update (`attempt_started_at` empty → now) before calling
   the provider. A redelivered or duplicated task finds nothing to do.
3. A row stuck in SENDING past its lease is reconciled: with no attempt in flight it is simply
   claimed again; with an attempt in flight (the worker died during the provider call) Twilio is
   asked whether it holds the message before anything is resent (see docs/notifications.md).
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Case,
    Exists,
    F,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from .fallback import (  # noqa: F401 (inbound.py imports the email fallback from here)
    line_opt_out,
    message_fall_back,
    message_fall_back_to_email,
    message_fall_back_to_sms,
)
from .line_texts import line_booking_button
from .models import LineFriend, Message, MessageText, ReminderStop, SmsOptOut
from .texts import render_message
from .transports import Outgoing, Sent, TransportError, transport_for
from .transports.base import Attachment

log = logging.getLogger(__name__)

LOGIN_CODE_TTL = dt.timedelta(minutes=15)
S = Message.Status


class RetryLater(Exception):
    """A transient failure, recorded on the row; the send task retries it with backoff."""

    def __init__(self, error: TransportError) -> None:
        super().__init__(str(error))
        self.error = error


def _lease(now: dt.datetime, extra: float = 0) -> dt.datetime:
    return now + dt.timedelta(seconds=settings.MESSAGE_LEASE_SECONDS + extra)


# --- dispatcher ------------------------------------------------------------------------------


def messages_skip_stale(*, now: dt.datetime) -> int:
    """Reminders whose moment passed long ago are skipped, not sent late, and say why; so are
    due reminders by a channel she stopped (ReminderStop), in the same UPDATE."""
    stale_before = now - dt.timedelta(hours=settings.REMINDER_STALE_HOURS)
    # Her stop, found from the row's own columns (an UPDATE may not join in its SET).
    stopped = Q(send_at__lte=now) & Exists(
        ReminderStop.objects.filter(
            channel=OuterRef("channel"), resident__pregnancies__bookings=OuterRef("booking_id")
        )
    )
    stale = (
        f"not sent: due more than {settings.REMINDER_STALE_HOURS} h ago "
        "or after the interview began"
    )
    skipped = (
        Message.objects.filter(status=S.PENDING, purpose=Message.Purpose.REMINDER)
        .filter(Q(send_at__lt=stale_before) | Q(booking__start__lte=now) | stopped)
        .update(
            status=S.SKIPPED,
            error_code=Case(When(stopped, then=Value("stopped")), default=Value("stale")),
            updated_at=now,
            last_error=Case(
                When(stopped, then=Value("not sent: she stopped reminders by this channel")),
                default=Value(stale),
            ),
        )
    )
    skipped += Message.objects.filter(
        status=S.PENDING,
        purpose=Message.Purpose.LOGIN_CODE,
        send_at__lt=now - LOGIN_CODE_TTL,
    ).update(
        status=S.SKIPPED,
        error_code="expired",
        last_error="code expired before sending",
        context={},
        updated_at=now,
    )
    return skipped


def messages_claim_due(*, now: dt.datetime, limit: int | None = None) -> list[tuple[int, int]]:
    """Claim up to `limit` due rows; returns (id, claim) pairs for the send tasks.

    On PostgreSQL the rows are locked with SKIP LOCKED, so two dispatchers never wait on or
    claim each other's rows; on SQLite the IMMEDIATE transaction serialises dispatchers. The
    update is conditional on PENDING either way.
    """
    limit = settings.MESSAGE_DISPATCH_PAGE if limit is None else limit
    with transaction.atomic():
        rows = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=S.PENDING, send_at__lte=now)
            .order_by("send_at", "id")
            .values_list("id", "claim")[:limit]
        )
        if not rows:
            return []
        Message.objects.filter(id__in=[r[0] for r in rows], status=S.PENDING).update(
            status=S.SENDING,
            claim=F("claim") + 1,
            claimed_at=now,
            lease_until=_lease(now),
            updated_at=now,
        )
    return [(message_id, claim + 1) for message_id, claim in rows]


# --- one send --------------------------------------------------------------------------------


def _settle(message_id: int, claim: int, **fields: object) -> int:
    """Record an outcome, only while this claim still owns the row."""
    fields.setdefault("updated_at", timezone.now())
    fields.setdefault("attempt_started_at", None)
    fields.setdefault("lease_until", None)
    return Message.objects.filter(id=message_id, claim=claim, status=S.SENDING).update(**fields)


def not_worth_sending(message: Message, now: dt.datetime) -> tuple[str, str, str] | None:
    """(status, code, reason) when the row must not go out any more."""
    booking = message.booking
    if message.purpose == Message.Purpose.LOGIN_CODE:
        if message.send_at < now - LOGIN_CODE_TTL:
            return S.SKIPPED, "expired", "code expired before sending"
        return None
    if message.purpose == Message.Purpose.VISIT_TIME:  # a home visit: no booking (issue 15)
        from .home_visit_rules import visit_time_stale

        return visit_time_stale(message, now)
    if message.purpose == Message.Purpose.INVITATION:  # issue 16: no booking either
        from .invitation_rules import invitation_stale

        return invitation_stale(message, now)
    if booking is None:
        return S.CANCELLED, "no_booking", "the booking is gone"
    if message.purpose == Message.Purpose.WAITLIST_OFFER:  # issue 16: its booking is the hold
        expired = booking.expires_at is not None and booking.expires_at <= now
        if booking.status != booking.Status.HELD or expired:
            return S.CANCELLED, "offer_ended", "the offer ended before it was sent"
        return None
    cancelled = booking.status == booking.Status.CANCELLED
    if message.purpose == Message.Purpose.REMINDER:
        if booking.status != booking.Status.CONFIRMED:
            return S.CANCELLED, "booking_changed", "the booking is no longer confirmed"
        if not message.occurrence.endswith(f"-s{booking.sequence}"):
            return S.CANCELLED, "booking_changed", "the booking was moved"
        if booking.start <= now:
            return S.SKIPPED, "stale", "the interview has already begun"
        if message.send_at < now - dt.timedelta(hours=settings.REMINDER_STALE_HOURS):
            return (
                S.SKIPPED,
                "stale",
                (f"not sent: due more than {settings.REMINDER_STALE_HOURS} h ago"),
            )
    elif message.purpose in (Message.Purpose.CONFIRMATION, Message.Purpose.RESCHEDULE):
        if cancelled:
            return S.CANCELLED, "booking_changed", "the booking was cancelled"
        if (
            message.purpose == Message.Purpose.RESCHEDULE
            and message.occurrence != f"s{booking.sequence}"
        ):
            return S.CANCELLED, "superseded", "the booking was moved again"
    return None


def _attachments(message: Message) -> tuple[Attachment, ...]:
    if message.channel != Message.Channel.EMAIL or message.booking is None:
        return ()
    if message.purpose not in (
        Message.Purpose.CONFIRMATION,
        Message.Purpose.RESCHEDULE,
        Message.Purpose.CANCELLATION,
    ):
        return ()
    from scheduling.calendars.ics import booking_ics

    cancelled = message.purpose == Message.Purpose.CANCELLATION
    return (
        Attachment(
            "booking.ics", booking_ics(message.booking, cancelled=cancelled), "text/calendar"
        ),
    )


def _outgoing(message: Message) -> Outgoing:
    rendered = render_message(message)
    return Outgoing(
        message_id=message.pk,
        purpose=message.purpose,
        recipient=message.recipient,
        text=rendered.text,
        subject=rendered.subject,
        html=rendered.html,
        attachments=_attachments(message),
        button=line_booking_button(message),
    )


_own_text = MessageText.objects.filter(
    municipality_id=OuterRef("municipality_id"),
    channel=OuterRef("channel"),
    purpose=OuterRef("purpose"),
    language=OuterRef("language"),
)


_line_stopped = LineFriend.objects.filter(user_id=OuterRef("recipient"), following=False)


def _with_send_context(queryset: QuerySet[Message]) -> QuerySet[Message]:
    # Her opt-out and the municipality's own wording (texts.override_for) ride along in the
    # same query: one round trip per row, or per batch.
    return queryset.select_related(
        "booking__site", "booking__municipality", "municipality"
    ).annotate(
        opted_out=Exists(SmsOptOut.objects.filter(phone=OuterRef("recipient"))),
        # She unfollowed (blocked) the LINE account: nothing more goes by LINE.
        line_stopped=Exists(_line_stopped),
        # For the stop link in a reminder email (texts.render_message), without another query.
        stop_resident_id=F("booking__pregnancy__resident_id"),
        override_body=Subquery(_own_text.values("body")[:1]),
        override_subject=Subquery(_own_text.values("subject")[:1]),
    )


def _load(message_id: int) -> Message:
    return _with_send_context(Message.objects.all()).get(id=message_id)


def _stop_reason(message: Message, now: dt.datetime) -> tuple[str, str, str] | None:
    stop = not_worth_sending(message, now)
    if stop is None and message.channel == Message.Channel.SMS and message.opted_out:  # type: ignore[attr-defined]
        stop = (S.SKIPPED, "opted_out", "she answered STOP to our SMS")
    if stop is None and message.channel == Message.Channel.LINE and message.line_stopped:  # type: ignore[attr-defined]
        stop = (S.SKIPPED, "opted_out", "she unfollowed or blocked the LINE account")
    return stop


def message_send(*, message_id: int, claim: int, final_attempt: bool = True) -> str:
    """Send one claimed row once. Returns what happened; raises RetryLater on a transient error
    when more attempts remain (the row is left SENDING under the same claim)."""
    now = timezone.now()
    taken = Message.objects.filter(
        id=message_id, claim=claim, status=S.SENDING, attempt_started_at__isnull=True
    ).update(
        attempt_started_at=now, attempts=F("attempts") + 1, lease_until=_lease(now), updated_at=now
    )
    if not taken:
        return "ignored"  # another claim owns it, it is settled, or an attempt is in flight
    message = _load(message_id)
    stop = _stop_reason(message, now)
    if stop is not None:
        status, code, reason = stop
        _settle(
            message_id,
            claim,
            status=status,
            error_code=code,
            last_error=reason,
            context={} if message.purpose == Message.Purpose.LOGIN_CODE else message.context,
        )
        if code == "opted_out":
            message_fall_back(message=message)
        return status
    try:
        sent = transport_for(message.channel).send(_outgoing(message))
    except TransportError as error:
        return _failed(message, claim, error, final_attempt=final_attempt)
    _record_sent(message, claim, sent)
    return S.SENT


class SendBatch:
    """A batch of claimed rows sent with a handful of statements for the whole batch, where
    `message_send` spends three per row (a morning wave is thousands of rows).

    1. `prepare` reads the rows still SENDING under their claims in one query (`read`), then
       takes the attempts of those worth sending in one conditional UPDATE (`take`). A row is
       taken only if it is still its claim's with no attempt in flight, its booking is in the
       state and at the sequence that was read (cancelling and moving both raise the sequence)
       and her number has not opted out since: what `message_send` checks row by row.
    2. `send` calls the provider for a row taken here; any other row (not worth sending any
       more, changed since it was read, another claim's) goes the one-row way, `message_send`,
       whose rules are the same.
    3. `record` writes the provider's ids for every row sent, in one UPDATE; the task calls it
       in a `finally`, so a batch cut short still records what went out.

    Between 1 and 3 the taken rows are in flight exactly as in `message_send` between its take
    and its outcome, only for the length of the batch rather than one call: a worker that dies
    then leaves them to the reconciler, which asks Twilio before resending (see
    docs/notifications.md). The lease is longer than the batch task's hard time limit, so the
    reconciler never touches a row whose batch may still be running. A cancellation that
    commits after the batch took its rows does not stop them, as it does not stop a single send
    already taken; its cancellation notice follows.
    """

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.worth: list[Message] = []  # read, worth sending, not yet taken
        self.taken: dict[int, Message] = {}
        self.sent: list[tuple[Message, Sent]] = []

    @classmethod
    def prepare(cls, claims: list[tuple[int, int]]) -> SendBatch:
        batch = cls.read(claims)
        batch.take()
        return batch

    @classmethod
    def read(cls, claims: list[tuple[int, int]]) -> SendBatch:
        batch = cls(timezone.now())
        wanted = dict(claims)
        rows = _with_send_context(
            Message.objects.filter(
                id__in=wanted, status=S.SENDING, attempt_started_at__isnull=True
            ).order_by()
        )
        batch.worth = [
            row
            for row in rows
            if wanted.get(row.pk) == row.claim and _stop_reason(row, batch.now) is None
        ]
        return batch

    def take(self) -> None:
        rows, self.worth = self.worth, []
        if not rows:
            return

        def unchanged(row: Message) -> Q:
            same = Q(id=row.pk, claim=row.claim)
            if row.booking is not None:
                same &= Q(
                    booking__status=row.booking.status, booking__sequence=row.booking.sequence
                )
            return same

        now = self.now
        taken = (
            Message.objects.filter(
                reduce(or_, map(unchanged, rows)),
                status=S.SENDING,
                attempt_started_at__isnull=True,
            )
            # Every row here was read as not opted out; an email address never is one.
            .filter(~Exists(SmsOptOut.objects.filter(phone=OuterRef("recipient"))))
            .filter(~Exists(_line_stopped))
            .update(
                attempt_started_at=now,
                attempts=F("attempts") + 1,
                lease_until=_lease(now),
                updated_at=now,
            )
        )
        if taken < len(rows):  # some changed in between: ours carry this batch's moment
            ours = set(
                Message.objects.filter(
                    id__in=[row.pk for row in rows], attempt_started_at=now
                ).values_list("id", flat=True)
            )
            rows = [row for row in rows if row.pk in ours]
        self.taken = {row.pk: row for row in rows}

    def send(self, message_id: int, claim: int) -> str:
        """Send one row of the batch; raises RetryLater as `message_send` does."""
        message = self.taken.pop(message_id, None)
        if message is None or message.claim != claim:
            return message_send(message_id=message_id, claim=claim, final_attempt=False)
        try:
            sent = transport_for(message.channel).send(_outgoing(message))
        except TransportError as error:
            return _failed(message, claim, error, final_attempt=False)
        self.sent.append((message, sent))
        return S.SENT

    def record(self) -> None:
        """Record every send so far in one statement. A row a status callback settled first is
        then recorded on its own, as `message_send` does it."""
        sent, self.sent = self.sent, []
        if not sent:
            return
        now = timezone.now()
        recorded = Message.objects.filter(
            reduce(or_, (Q(id=m.pk, claim=m.claim) for m, _ in sent)), status=S.SENDING
        ).update(
            status=S.SENT,
            provider_id=Case(
                *(When(id=m.pk, then=Value(result.provider_id)) for m, result in sent),
                default=Value(""),
            ),
            # A login code is wiped once it has gone out.
            context=Case(
                When(purpose=Message.Purpose.LOGIN_CODE, then=Value({}, JSONField())),
                default=F("context"),
            ),
            sent_at=now,
            error_code="",
            last_error="",
            attempt_started_at=None,
            lease_until=None,
            updated_at=now,
        )
        if recorded < len(sent):
            for message, result in sent:  # a no-op for each row recorded just now
                _record_sent(message, message.claim, result)


def _cleared_context(message: Message) -> dict[str, object]:
    """The fields to update with a login code's outcome: its code is not kept once settled."""
    return {"context": {}} if message.purpose == Message.Purpose.LOGIN_CODE else {}


def _record_sent(message: Message, claim: int, sent: Sent) -> None:
    now = timezone.now()
    clear = _cleared_context(message)
    if _settle(
        message.pk,
        claim,
        status=S.SENT,
        provider_id=sent.provider_id,
        sent_at=now,
        error_code="",
        last_error="",
        **clear,
    ):
        return
    # A status callback can beat us to it (fast provider): keep its status, add what we know.
    Message.objects.filter(id=message.pk, provider_id="").update(
        provider_id=sent.provider_id,
        sent_at=now,
        attempt_started_at=None,
        lease_until=None,
        updated_at=now,
        **clear,
    )


def _failed(message: Message, claim: int, error: TransportError, *, final_attempt: bool) -> str:
    now = timezone.now()
    code, text = error.code[:32], str(error)[:500]
    if error.transient and not final_attempt:
        backoff_cap = settings.MESSAGE_RETRY_BACKOFF_MAX_SECONDS
        _settle(
            message.pk,
            claim,
            error_code=code,
            last_error=text,
            lease_until=_lease(now, backoff_cap),
        )
        raise RetryLater(error)
    clear = _cleared_context(message)
    _settle(message.pk, claim, status=S.FAILED, error_code=code, last_error=text, **clear)
    log.warning("message %s failed for good (%s, %s)", message.pk, message.channel, code)
    if message.channel == Message.Channel.LINE and error.code == "blocked":
        line_opt_out(user_id=message.recipient, at=now)
    message_fall_back(message=message)
    return S.FAILED


# --- reconciling sends whose outcome was lost -------------------------------------------------


def messages_reconcile_stuck(
    *, now: dt.datetime, limit: int = 100
) -> tuple[int, list[tuple[int, int]]]:
    """Settle rows whose claim outlived its lease (a worker died, a task was lost).

    Returns how many were stuck, and the (id, claim) pairs claimed afresh, for the caller to
    hand to the send tasks.
    """
    stuck = list(
        Message.objects.filter(status=S.SENDING, lease_until__lt=now).order_by("lease_until")[
            :limit
        ]
    )
    reclaimed = []
    for message in stuck:
        if message.attempt_started_at is None:
            reclaimed += _reclaim(message, now)
        else:
            reclaimed += _reconcile_in_flight(message, now)
    return len(stuck), reclaimed


def _reclaim(message: Message, now: dt.datetime, **fields: object) -> list[tuple[int, int]]:
    """Give the row a fresh claim (the old task, if it ever runs, finds nothing to do)."""
    claimed = Message.objects.filter(id=message.pk, claim=message.claim, status=S.SENDING).update(
        claim=F("claim") + 1, claimed_at=now, lease_until=_lease(now), updated_at=now, **fields
    )
    return [(message.pk, message.claim + 1)] if claimed else []


def _reconcile_in_flight(message: Message, now: dt.datetime) -> list[tuple[int, int]]:
    """The worker died between calling the provider and recording the outcome.

    SMS: ask Twilio for messages to her number since the attempt began. If it holds ours
    (same body), record it as sent; if not, it never got it and we send again. Where the
    provider cannot be asked (email, the console), the row fails visibly for staff to check,
    rather than risking a second copy.
    """
    transport = transport_for(message.channel)
    finder = getattr(transport, "find_sent", None)
    if finder is None:
        _settle(
            message.pk,
            message.claim,
            status=S.FAILED,
            error_code="outcome_unknown",
            last_error="the sender stopped during the send; it may or may not have "
            "arrived: please check with her",
        )
        return []
    full = _load(message.pk)
    try:
        body = _outgoing(full).text
        records = finder(recipient=message.recipient, since=message.attempt_started_at)
    except TransportError as error:
        # Cannot ask now: try again next round, unless the answer will never come.
        if error.permanent:
            _settle(
                message.pk,
                message.claim,
                status=S.FAILED,
                error_code="outcome_unknown",
                last_error=f"could not check with the provider: {error}"[:500],
            )
        else:
            retry_in = dt.timedelta(seconds=min(60, settings.MESSAGE_LEASE_SECONDS))
            Message.objects.filter(id=message.pk, claim=message.claim).update(
                lease_until=now + retry_in, updated_at=now
            )
        return []
    match = next((r for r in records if r.body == body), None)
    if match is not None:
        _settle(
            message.pk,
            message.claim,
            status=S.SENT,
            provider_id=match.sid,
            sent_at=match.created or message.attempt_started_at,
            error_code="",
            last_error="",
            **({"context": {}} if message.purpose == Message.Purpose.LOGIN_CODE else {}),
        )
        log.info("message %s: provider had it, recorded without resending", message.pk)
        return []
    log.info("message %s: provider never got it, sending again", message.pk)
    return _reclaim(message, now, attempt_started_at=None)
