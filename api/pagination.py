"""Pages of GET /bookings/: by offset (the default), or by cursor when a client keeps in step
with `updated_since`.

The cursor is the position of the last booking sent, (updated_at, id), so the next page starts
strictly after it. A booking that changes while a client walks the pages gets a later updated_at
and so comes again at the end: a change is never skipped, whatever happens between two pages.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.utils.urls import remove_query_param, replace_query_param

from scheduling.models import Booking

from .exceptions import ApiError


class BookingPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 200


def encode_cursor(booking: Booking) -> str:
    position = json.dumps([booking.updated_at.isoformat(), booking.pk])
    return base64.urlsafe_b64encode(position.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, pk = json.loads(raw)
        position = dt.datetime.fromisoformat(moment), int(pk)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ApiError("invalid", _("This cursor is not one we gave."), 400, "cursor") from None
    if position[0].tzinfo is None:
        raise ApiError("invalid", _("This cursor is not one we gave."), 400, "cursor")
    return position


class ChangesCursorPagination:
    """Bookings in the order they last changed, `limit` at a time, after the cursor's position."""

    def __init__(self, request: Request, limit: int | None) -> None:
        self.request = request
        self.limit = min(limit or BookingPagination.default_limit, BookingPagination.max_limit)

    def page(self, bookings: QuerySet[Booking], cursor: str | None) -> tuple[list[Booking], int]:
        ordered = bookings.order_by("updated_at", "pk")
        count = ordered.count()
        if cursor:
            moment, pk = decode_cursor(cursor)
            ordered = ordered.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, pk__gt=pk))
        rows = list(ordered[: self.limit + 1])
        self.next_booking = rows[self.limit - 1] if len(rows) > self.limit else None
        return rows[: self.limit], count

    def response_data(self, results: list[Any], count: int) -> dict[str, Any]:
        next_url = None
        if self.next_booking is not None:
            url = remove_query_param(self.request.build_absolute_uri(), "offset")
            next_url = replace_query_param(url, "cursor", encode_cursor(self.next_booking))
        return {"count": count, "next": next_url, "previous": None, "results": results}
