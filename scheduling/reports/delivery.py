"""Delivery by channel (issue 18): for the period and her sites, per channel (LINE, SMS, email),
how many messages were sent, delivered, failed, and fell back to another channel.

Definitions (the dashboard says the same):
- a message counts in the period of its send time (`send_at`), at the site of its booking
  (messages with no booking, such as sign-in codes, belong to no site and are left out);
- *sent*: the provider accepted it (sent or delivered);
- *delivered*: the provider confirmed delivery. Only SMS has receipts (Twilio's status
  callback); LINE and email report none, so their delivered is always 0;
- *failed*: failed for good (after its retries);
- *fell back*: it could not go by this channel (failed, or skipped because she stopped the
  channel) and another channel's row was made in its place.

One query whatever the period: a grouped count with conditional aggregates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from notifications.models import Message

S = Message.Status
CHANNELS = (Message.Channel.LINE, Message.Channel.SMS, Message.Channel.EMAIL)


@dataclass
class ChannelDelivery:
    channel: str
    label: str
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    fell_back: int = 0


@dataclass
class DeliveryReport:
    date_from: dt.date
    date_to: dt.date
    rows: list[ChannelDelivery]

    @property
    def total(self) -> int:
        return sum(r.sent + r.failed for r in self.rows)

    def csv_rows(self) -> list[list[object]]:
        header: list[object] = [
            _("Channel"),
            _("Sent"),
            _("Delivered"),
            _("Failed"),
            _("Fell back to another channel"),
        ]
        return [header, *([r.label, r.sent, r.delivered, r.failed, r.fell_back] for r in self.rows)]


def delivery_report(
    *, site_ids: list[int], date_from: dt.date, date_to: dt.date, tz: dt.tzinfo
) -> DeliveryReport:
    start = dt.datetime.combine(date_from, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    counted = (
        Message.objects.filter(booking__site_id__in=site_ids, send_at__gte=start, send_at__lt=end)
        .annotate(replaced=Exists(Message.objects.filter(fallback_of=OuterRef("pk"))))
        .values("channel")
        .annotate(
            sent=Count("id", filter=Q(status__in=[S.SENT, S.DELIVERED])),
            delivered=Count("id", filter=Q(status=S.DELIVERED)),
            failed=Count("id", filter=Q(status=S.FAILED)),
            fell_back=Count("id", filter=Q(replaced=True)),
        )
        .order_by()
    )
    found: dict[str, dict[str, Any]] = {row["channel"]: dict(row) for row in counted}
    rows = []
    for channel in CHANNELS:
        row: dict[str, Any] = found.get(channel, {})
        rows.append(
            ChannelDelivery(
                channel=str(channel),
                label=str(channel.label),
                sent=row.get("sent", 0),
                delivered=row.get("delivered", 0),
                failed=row.get("failed", 0),
                fell_back=row.get("fell_back", 0),
            )
        )
    return DeliveryReport(date_from=date_from, date_to=date_to, rows=rows)
