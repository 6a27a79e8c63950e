"""Signed outbound webhooks for integrators, built on an outbox like the messages.

- A booking change queues one delivery row per subscription that wants the event, in the
  booking's own transaction, with one INSERT … SELECT: no query to find the subscriptions first,
  and none at all beyond that INSERT (tests/webhooks/test_booking_queries_with_webhooks.py).
- Rows are claimed with a conditional update (PENDING → SENDING, `claim` += 1), so one row is
  sent by one worker; a 2xx answer marks it delivered, and it is never sent again for that event.
- Anything else is retried with exponential backoff until `retry_until` (a day after the event);
  then the row fails, the subscription is marked failing and the token's owner is told by email.
- The body is signed: HMAC-SHA256 over "<timestamp>.<body>" with the subscription's secret, sent
  as `Yurikago-Signature: t=<timestamp>,v1=<hex>` (docs/api.md shows a receiver's check).
- The target is reached through the calendar fetcher's checked connections: every resolved
  address is checked at connect time, so a subscription cannot be pointed inside our network.
- The payload carries the booking's reference, times, site, contact and status; never a name or
  health detail, except her name when the token holds the personal-data scope.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import socket
import time
import uuid
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from scheduling.bulk_rows import any_of, insert_rows
from scheduling.calendars.errors import SyncError
from scheduling.calendars.fetch import (
    UnsafeAddress,
    _CheckedAdapter,
    _CheckedHTTPConnection,
    _CheckedHTTPPool,
    _CheckedHTTPSConnection,
    _CheckedHTTPSPool,
    check_url,
)
from scheduling.calendars.fetch import _session as _checked_session
from scheduling.models import Booking, BookingEvent, Pregnancy, PregnancyNotification
from yurikago.errors import DomainError

from .webhook_models import WebhookDelivery, WebhookEvent, WebhookSubscription

# Re-exported: what a receiver checks (docs/api.md, tests/webhooks/test_signature.py).
from .webhook_signing import signature, signature_header, signature_valid  # noqa: F401

if TYPE_CHECKING:
    from scheduling.contact_models import PregnancyContact
    from scheduling.models import User

log = logging.getLogger(__name__)
D = WebhookDelivery.Status
SIGNATURE_HEADER = "Yurikago-Signature"
EVENT_HEADER = "Yurikago-Event"
EVENT_ID_HEADER = "Yurikago-Event-Id"
USER_AGENT = "Yurikago-Webhooks/1"

EVENT_FOR_KIND = {
    BookingEvent.Kind.CONFIRMED: WebhookEvent.BOOKING_CREATED,
    BookingEvent.Kind.RESCHEDULED: WebhookEvent.BOOKING_RESCHEDULED,
    BookingEvent.Kind.CANCELLED: WebhookEvent.BOOKING_CANCELLED,
    BookingEvent.Kind.ATTENDED: WebhookEvent.BOOKING_ATTENDED,
    BookingEvent.Kind.NO_SHOW: WebhookEvent.BOOKING_NO_SHOW,
}


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def retry_horizon() -> dt.timedelta:
    return dt.timedelta(seconds=_setting("WEBHOOK_RETRY_HORIZON_SECONDS", 24 * 3600))


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the Nth failed attempt: 30 s, 1 min, 2 min, … at most 6 hours."""
    base = _setting("WEBHOOK_RETRY_BASE_SECONDS", 30)
    cap = _setting("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600)
    return dt.timedelta(seconds=min(cap, base * 2 ** max(attempts - 1, 0)))


# --- connections: the calendar fetcher's checked ones, without Nagle's delay -------------------
# A POST goes out as two writes (headers, body); with Nagle's algorithm the body waits for the
# receiver's delayed ACK, 40 ms a delivery. urllib3 turns it off on its own sockets; the checked
# sockets are made by hand, so here it is turned off again.


def _no_delay(sock: socket.socket) -> socket.socket:
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class _HTTPConnection(_CheckedHTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _no_delay(super()._new_conn())


class _HTTPSConnection(_CheckedHTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _no_delay(super()._new_conn())


class _HTTPPool(_CheckedHTTPPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(_CheckedHTTPSPool):
    ConnectionCls = _HTTPSConnection


class _Adapter(_CheckedAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def _session() -> requests.Session:
    session = _checked_session()
    session.mount("http://", _Adapter(max_retries=0))
    session.mount("https://", _Adapter(max_retries=0))
    return session


# --- subscriptions ----------------------------------------------------------------------------


def webhook_url_check(url: str) -> str:
    """The address if it may be called: https (http only where loopback is allowed for tests),
    no credentials, not a private, loopback or link-local literal. Names are checked again
    when they resolve, at each delivery."""
    try:
        return check_url(url.strip())
    except SyncError:
        raise DomainError(
            "unsafe_address",
            _("This address cannot be used: it must be a public https address."),
            field="url",
        ) from None


def webhook_subscription_create(
    *, token: ApiToken, url: str, events: list[str]
) -> WebhookSubscription:
    known = {str(event) for event in WebhookEvent}
    if not events or not set(events) <= known:
        raise DomainError("invalid", _("Choose at least one known event."), field="events")
    return WebhookSubscription.objects.create(
        token=token,
        municipality_id=token.municipality_id,
        url=webhook_url_check(url),
        events=WebhookSubscription.pack_events(events),
    )


# --- queueing ---------------------------------------------------------------------------------


def booking_payload(booking: Booking) -> dict[str, Any]:
    """From the booking's own columns only, so queueing costs no query."""
    return {
        "reference": booking.reference,
        "status": booking.status,
        "start": booking.start.isoformat(),
        "end": booking.end.isoformat(),
        "mode": booking.mode,
        "site": booking.site_id,
        "contact": getattr(booking, "contact_id", None),
        "interview_type": booking.interview_type_id,
        "pregnancy": booking.pregnancy_id,
        "sequence": booking.sequence,
    }


def webhooks_queue_for_booking(*, booking: Booking, kind: str) -> None:
    """Called where the booking's event is recorded, inside its transaction."""
    event = EVENT_FOR_KIND.get(kind)  # type: ignore[call-overload]
    if event is None:
        return
    webhooks_queue(
        municipality_id=booking.municipality_id,
        event=event,
        payload=booking_payload(booking),
        booking_id=booking.pk,
    )


def webhooks_queue_contact_done(*, record: PregnancyContact, municipality_id: int) -> None:
    """Staff recorded a contact done (scheduling.contact_outcomes), inside its transaction: the
    pregnancy, the contact, when, and the booking it was done at (reference, site, times) if
    any. Never the outcome, reasons or notes. Recorded done again (a corrected date) is a new
    event: the receiver keeps the latest per pregnancy and contact."""
    if record.status != "done":
        return
    booking = record.booking
    webhooks_queue(
        municipality_id=municipality_id,
        event=WebhookEvent.CONTACT_DONE,
        payload={
            "pregnancy": record.pregnancy_id,
            "contact": record.contact_id,
            "status": record.status,
            "done_on": record.done_on.isoformat() if record.done_on else None,
            "reference": booking.reference if booking else None,
            "site": booking.site_id if booking else None,
            "start": booking.start.isoformat() if booking else None,
            "end": booking.end.isoformat() if booking else None,
        },
        booking_id=record.booking_id,
    )


def _wanting(municipality_id: int, event: str, now: dt.datetime) -> list[int]:
    """The active subscriptions of the municipality that want `event`, of live tokens."""
    return list(
        WebhookSubscription.objects.filter(
            Q(token__expires_at__isnull=True) | Q(token__expires_at__gt=now),
            municipality_id=municipality_id,
            is_active=True,
            events__contains=f",{event},",
            token__revoked_at__isnull=True,
        ).values_list("pk", flat=True)
    )


def webhooks_queue_notifications(
    *, municipality_id: int, record_keys: list[str], now: dt.datetime | None = None
) -> int:
    """Pregnancy notifications just imported (file, command or API), inside the import's
    transaction: one event per notification and subscription. One query when nobody subscribed
    (an import of 10,000 rows pays no more); else one to read them and the inserts (COPY on
    PostgreSQL, as the import's own rows: bench/bench_webhook_import_events.py). The payload is
    the municipality's record key, the pregnancy, the date notified and whether she was known
    already: never her details."""
    now = now or timezone.now()
    subscriptions = _wanting(municipality_id, WebhookEvent.NOTIFICATION_IMPORTED, now)
    if not subscriptions or not record_keys:
        return 0
    notifications = PregnancyNotification.objects.filter(
        any_of("record_key", record_keys), municipality_id=municipality_id
    ).values_list("record_key", "pregnancy_id", "notified_on", "matched_existing")
    fixed = {
        "event": WebhookEvent.NOTIFICATION_IMPORTED.value,
        "booking_id": None,
        "status": D.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "retry_until": now + retry_horizon(),
        "claim": 0,
        "last_error": "",
        "created_at": now,
    }
    rows = []
    for record_key, pregnancy_id, notified_on, matched in notifications:
        payload = _json_value(
            {
                "record_key": record_key,
                "pregnancy": pregnancy_id,
                "notified_on": notified_on.isoformat(),
                "matched_existing_resident": matched,
                "status": "imported",
                "occurred_at": now.isoformat(),
            }
        )
        event_id = uuid.uuid4()  # one per event, the same for every subscription
        rows += [
            {**fixed, "subscription_id": s, "event_id": event_id, "payload": payload}
            for s in subscriptions
        ]
    insert_rows(WebhookDelivery, rows, now=now)
    if rows:
        wake_webhook_sender_on_commit()
    return len(rows)


def _json_value(value: dict[str, Any]) -> Any:
    """A JSON column's value for insert_rows: psycopg's Jsonb for COPY, the dict elsewhere
    (bulk_create prepares it)."""
    if connection.vendor != "postgresql":
        return value
    from psycopg.types.json import Jsonb

    return Jsonb(value)


# Table names come from our own models; every value is a parameter.
_QUEUE_SQL = (
    "INSERT INTO {delivery} (subscription_id, event, event_id, booking_id, payload, status, "
    "attempts, next_attempt_at, retry_until, claim, last_error, created_at) "
    "SELECT s.id, %s, %s, {booking_id}, %s, %s, 0, %s, %s, 0, '', %s "
    "FROM {subscription} s INNER JOIN {token} t ON t.id = s.token_id "
    "WHERE s.municipality_id = %s AND s.is_active = %s AND s.events LIKE %s "
    "AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > %s)"
)


def webhooks_queue_sql(*, booking_id_sql: str) -> str:
    """The INSERT … SELECT that queues one delivery row per active subscription of the
    municipality wanting the event (its parameters: webhooks_queue_params). `booking_id_sql` is
    the booking's id as SQL: a placeholder, or a subquery when the booking is inserted in the
    same statement (scheduling/booking_insert.py, issue 19)."""
    return _QUEUE_SQL.format(
        delivery=WebhookDelivery._meta.db_table,
        subscription=WebhookSubscription._meta.db_table,
        token=ApiToken._meta.db_table,
        booking_id=booking_id_sql,
    )


def webhooks_queue_params(
    *, municipality_id: int, event: str | None, payload: dict[str, Any], now: dt.datetime
) -> list[Any]:
    """The parameters of webhooks_queue_sql but the booking's id; `event` None queues nothing
    (no subscription's events are LIKE NULL): the same statement serves a hold."""

    def prep(name: str, value: object) -> Any:
        field = WebhookDelivery._meta.get_field(name)
        assert isinstance(field, models.Field)
        return field.get_db_prep_save(value, connection)

    return [
        event,
        prep("event_id", uuid.uuid4()),
        prep("payload", {**payload, "occurred_at": now.isoformat()}),
        D.PENDING.value,
        prep("next_attempt_at", now),
        prep("retry_until", now + retry_horizon()),
        prep("created_at", now),
        municipality_id,
        True,
        None if event is None else f"%,{event},%",
        prep("created_at", now),
    ]


def webhooks_queue(
    *,
    municipality_id: int,
    event: str,
    payload: dict[str, Any],
    booking_id: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    """One delivery row per active subscription of the municipality that wants `event`, in one
    INSERT … SELECT (one query, whatever the number of subscriptions)."""
    sql = webhooks_queue_sql(booking_id_sql="%s")
    params = webhooks_queue_params(
        municipality_id=municipality_id, event=event, payload=payload, now=now or timezone.now()
    )
    params.insert(2, booking_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        queued = cursor.rowcount
    if queued:
        wake_webhook_sender_on_commit()


def wake_webhook_sender_on_commit() -> None:
    transaction.on_commit(wake_webhook_sender, robust=True)


def wake_webhook_sender() -> None:
    """After a commit, with a broker: send now rather than at the next beat. Without one (tasks
    run in the request) nothing: a slow receiver must never hold up her booking; the dispatch
    loop sends them."""
    from .tasks import deliver_webhooks

    app = deliver_webhooks.app
    if app.conf.task_always_eager:
        return
    try:
        deliver_webhooks.apply_async(retry=False)
    except Exception:  # broker down: the rows wait for beat
        log.warning("could not reach the broker; webhooks wait for the next run")


# --- sending ----------------------------------------------------------------------------------


def webhooks_claim_due(*, now: dt.datetime, limit: int = 200) -> list[tuple[int, int]]:
    lease = now + dt.timedelta(seconds=_setting("WEBHOOK_LEASE_SECONDS", 120))
    with transaction.atomic():
        # Rows whose sender died keep SENDING past their lease: claimed again.
        due = WebhookDelivery.objects.filter(
            status=D.PENDING, next_attempt_at__lte=now
        ) | WebhookDelivery.objects.filter(status=D.SENDING, lease_until__lt=now)
        rows = list(
            due.select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "id")
            .values_list("id", "claim")[:limit]
        )
        if not rows:
            return []
        WebhookDelivery.objects.filter(id__in=[r[0] for r in rows]).update(
            status=D.SENDING, claim=F("claim") + 1, lease_until=lease
        )
    return [(delivery_id, claim + 1) for delivery_id, claim in rows]


def webhook_body(delivery: WebhookDelivery) -> bytes:
    data = dict(delivery.payload)
    token = delivery.subscription.token
    # Her name, as it is now, only to a token that may hold personal data (every event that
    # concerns her names her pregnancy).
    if data.get("pregnancy") is not None and token.allows("personal_data"):
        name = (
            Pregnancy.objects.filter(pk=data["pregnancy"])
            .values_list("resident__name", flat=True)
            .first()
        )
        if name is not None:
            data["resident_name"] = name
    body = {
        "id": str(delivery.event_id),
        "type": delivery.event,
        "created": delivery.created_at.isoformat(),
        "data": data,
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _claimed(claims: list[tuple[int, int]]) -> list[WebhookDelivery]:
    """The rows still SENDING under the claims given, in one query."""
    wanted = dict(claims)
    rows = WebhookDelivery.objects.select_related("subscription__token__created_by").filter(
        pk__in=list(wanted), status=D.SENDING
    )
    return sorted((d for d in rows if d.claim == wanted[d.pk]), key=lambda d: d.pk)


def _post(
    delivery: WebhookDelivery, body: bytes, session: requests.Session | None
) -> tuple[int | None, str]:
    timeout = _setting("WEBHOOK_TIMEOUT_SECONDS", 10)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature_header(delivery.subscription.secret, timestamp, body),
        EVENT_HEADER: delivery.event,
        EVENT_ID_HEADER: str(delivery.event_id),
    }
    own = session is None
    session = session or _session()
    try:
        url = check_url(delivery.subscription.url)
        response = session.post(
            url, data=body, headers=headers, timeout=(timeout, timeout), allow_redirects=False
        )
        response.close()
        return response.status_code, ""
    except (UnsafeAddress, SyncError):
        return None, "unsafe address"
    except requests.Timeout:
        return None, "timeout"
    except requests.RequestException as exc:
        return None, type(exc).__name__
    finally:
        if own:
            session.close()


def _record_delivered(done: list[tuple[WebhookDelivery, int]], now: dt.datetime) -> None:
    """One UPDATE per answer code for the batch's delivered rows (each still under its claim)."""
    by_status: dict[int, list[WebhookDelivery]] = {}
    for delivery, status in done:
        by_status.setdefault(status, []).append(delivery)
    for status, rows in by_status.items():
        mine = reduce(or_, (Q(pk=d.pk, claim=d.claim) for d in rows))
        WebhookDelivery.objects.filter(mine, status=D.SENDING).update(
            status=D.DELIVERED,
            attempts=F("attempts") + 1,
            response_status=status,
            last_error="",
            delivered_at=now,
            lease_until=None,
        )
    failing = {d.subscription_id for d, _ in done if d.subscription.failing_since is not None}
    if failing:
        WebhookSubscription.objects.filter(pk__in=failing).update(failing_since=None)


def _record(delivery: WebhookDelivery, status: int | None, error: str, now: dt.datetime) -> str:
    """A failed attempt: wait and retry, or after the retry horizon give up."""
    mine = WebhookDelivery.objects.filter(pk=delivery.pk, claim=delivery.claim, status=D.SENDING)
    attempts = delivery.attempts + 1
    error = error or f"HTTP {status}"
    if now + backoff(attempts) <= delivery.retry_until:
        mine.update(
            status=D.PENDING,
            attempts=attempts,
            response_status=status,
            last_error=error[:300],
            next_attempt_at=now + backoff(attempts),
            lease_until=None,
        )
        return "retry"
    if mine.update(
        status=D.FAILED,
        attempts=attempts,
        response_status=status,
        last_error=error[:300],
        lease_until=None,
    ):
        _mark_failing(delivery.subscription, now)
    return "failed"


def _mark_failing(subscription: WebhookSubscription, now: dt.datetime) -> None:
    """The first give-up marks the subscription failing and tells the token's owner, once."""
    marked = WebhookSubscription.objects.filter(
        pk=subscription.pk, failing_since__isnull=True
    ).update(failing_since=now)
    owner = subscription.token.created_by
    if not marked or owner is None or not owner.email:
        if marked:
            log.warning(
                "webhook subscription %s is failing; its token has no owner", subscription.pk
            )
        return
    try:
        send_mail(
            _("Yurikago: webhooks to %(url)s are failing") % {"url": subscription.url},
            _(
                "For a day we could not deliver events to %(url)s (token %(token)s). We have "
                "stopped retrying them. Staff can see each delivery and send it again once the "
                "receiver answers."
            )
            % {"url": subscription.url, "token": subscription.token.name},
            settings.DEFAULT_FROM_EMAIL,
            [owner.email],
        )
    except Exception:  # the mark stays; the mail server being down must not stop sending
        log.exception("could not tell the owner of webhook subscription %s", subscription.pk)


def webhooks_send_due(*, now: dt.datetime | None = None, limit: int = 200) -> list[str]:
    """Claim what is due and send it here (without a broker: `dispatch_messages`, tests)."""
    claims = webhooks_claim_due(now=now or timezone.now(), limit=limit)
    return webhooks_send_claimed(claims, now=now)


def webhooks_send_claimed(
    claims: list[tuple[int, int]], *, now: dt.datetime | None = None
) -> list[str]:
    """Send claimed rows on one connection pool: one query reads them, one records those
    delivered; a failure is recorded on its own. `now` (tests) fixes the time outcomes are
    recorded at. A worker that dies mid-batch leaves its rows SENDING: their lease runs out and
    they are sent again, with the same event id."""
    rows = _claimed(claims)
    outcomes = ["gone"] * (len(claims) - len(rows))
    delivered: list[tuple[WebhookDelivery, int]] = []
    with _session() as session:
        for delivery in rows:
            status, error = _post(delivery, webhook_body(delivery), session)
            if status is not None and 200 <= status < 300:
                delivered.append((delivery, status))
                outcomes.append("delivered")
            else:
                outcomes.append(_record(delivery, status, error, now or timezone.now()))
    if delivered:
        _record_delivered(delivered, now or timezone.now())
    return outcomes


# --- staff ------------------------------------------------------------------------------------


def webhook_delivery_resend(
    *, delivery: WebhookDelivery, actor: User, now: dt.datetime | None = None
) -> WebhookDelivery:
    """Staff send a delivery again (it failed, or the receiver lost it): the same event id, so a
    receiver that has it already can tell; retried for another day."""
    now = now or timezone.now()
    updated = WebhookDelivery.objects.filter(
        pk=delivery.pk, status__in=[D.FAILED, D.DELIVERED]
    ).update(
        status=D.PENDING,
        next_attempt_at=now,
        retry_until=now + retry_horizon(),
        resent_by=actor,
        last_error="",
    )
    if not updated:
        raise DomainError("invalid_state", _("This delivery is still being sent."))
    wake_webhook_sender_on_commit()
    delivery.refresh_from_db()
    return delivery
