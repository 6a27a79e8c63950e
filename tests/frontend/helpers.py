"""Shared steps for the resident page tests: the client walks the flow as she would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from scheduling.models import Booking
from tests.base import BaseTestCase, tokyo

# Thursday 3 December 2026, 10:00 at 青戸 (two nurses, two rooms).
DAY = dt.date(2026, 12, 3)
START = tokyo(2026, 12, 3, 10, 0)


def details_data(hold: str, **overrides: Any) -> dict[str, Any]:
    data = {
        "hold": hold,
        "name": "山田 花子",
        "name_kana": "やまだ はなこ",
        "phone": "090-5555-6666",
        "email": "",
        "due_date": "2027-06-01",
        "weeks": "",
        "handbook_number": "",
        "preferred_language": "ja",
        "reminders": "sms",
        "consent": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class FlowTestCase(BaseTestCase):
    def hold(
        self, client: Client | None = None, start: dt.datetime = START, site_id: int | None = None
    ) -> Booking:
        client = client or self.client
        response = client.post(
            "/book/hold/",
            {
                "site": site_id or self.w.aoto.id,
                "start": start.isoformat(),
                "mode": "in_person",
                "site_code": "aoto",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:500])
        return Booking.objects.filter(status=Booking.Status.HELD).latest("id")
