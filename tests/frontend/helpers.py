"""Helpers for the resident page tests: the client walks the flow as she would, and a small
reader for our .po files, so tests need no GNU gettext (a fresh machine may lack it)."""

from __future__ import annotations

import ast
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from django.core import mail
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


@contextmanager
def sms_texts() -> Iterator[list[str]]:
    """The texts the SMS transport hands to the network (the console transport in tests)."""
    from notifications.transports.console import ConsoleSmsTransport

    texts: list[str] = []
    original = ConsoleSmsTransport.send

    def send(transport: ConsoleSmsTransport, outgoing: Any) -> Any:
        texts.append(outgoing.text)
        return original(transport, outgoing)

    with mock.patch.object(ConsoleSmsTransport, "send", send):
        yield texts


def code_in(text: str) -> str:
    match = re.search(r"\b(\d{6})\b", text)
    assert match, text
    return match.group(1)


class FlowTestCase(BaseTestCase):
    def send_details(
        self, hold: Booking, data: dict[str, Any], client: Client | None = None, **extra: Any
    ) -> Any:
        """Send her details; when not signed in, type the code that was sent (frontend.verify),
        as she would. Returns the last answer."""
        client = client or self.client
        with sms_texts() as texts:
            response = client.post(f"/book/details/{hold.reference}/", data, **extra)
        if response.status_code == 302 and "/book/verify/" in response["Location"]:
            sent = texts[-1] if texts else mail.outbox[-1].body
            response = client.post(response["Location"], {"code": code_in(sent)}, **extra)
        return response

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


# A small reader for our .po files (locale/<code>/LC_MESSAGES/django.po).
LOCALE = Path(__file__).resolve().parents[2] / "locale"
# The codes in settings.LANGUAGES, as locale directories.
SHIPPED = {
    "ja": "ja",
    "en": "en",
    "zh-hans": "zh_Hans",
    "ko": "ko",
    "vi": "vi",
    "ne": "ne",
    "tl": "tl",
    "ja-easy": "ja_Easy",
}
# What a resident sees: our resident templates and code, and the booking core's messages.
RESIDENT_SOURCES = (
    "frontend/templates/frontend/",
    "frontend/templates/account/",
    "frontend/templates/allauth/",
    "frontend/forms.py",
    "frontend/views.py",
    "frontend/booking_details.py",  # split from views.py (the details step)
    "frontend/invitations.py",  # issue 16: her invitation link's pages
    "frontend/bookings.py",
    "frontend/calendar.py",
    "frontend/templatetags/",
    "frontend/adapters.py",
    "frontend/i18n.py",
    "scheduling/errors.py",
)


@dataclass
class Entry:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    references: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def is_resident_facing(self) -> bool:
        return any(
            ref.startswith(RESIDENT_SOURCES) and "/staff/" not in ref for ref in self.references
        )

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.msgstr) and all(self.msgstr.values())


def read_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, target = Entry(msgid=""), None
        seen_msgid = False
        for line in block.splitlines():
            if line.startswith("#:"):
                entry.references += line[2:].split()
            elif line.startswith("#,"):
                entry.fuzzy = "fuzzy" in line
            elif line.startswith("msgctxt "):
                entry.msgctxt, target = ast.literal_eval(line[8:]), "msgctxt"
            elif line.startswith("msgid_plural "):
                entry.msgid_plural, target = ast.literal_eval(line[13:]), "msgid_plural"
            elif line.startswith("msgid "):
                entry.msgid, target, seen_msgid = ast.literal_eval(line[6:]), "msgid", True
            elif line.startswith("msgstr["):
                index = int(line[7 : line.index("]")])
                entry.msgstr[index] = ast.literal_eval(line[line.index("]") + 2 :])
                target = index
            elif line.startswith("msgstr "):
                entry.msgstr[0], target = ast.literal_eval(line[7:]), 0
            elif line.startswith('"') and target is not None:
                part = ast.literal_eval(line)
                if isinstance(target, int):
                    entry.msgstr[target] += part
                else:
                    setattr(entry, target, getattr(entry, target) + part)
        if seen_msgid:
            entries.append(entry)
    return entries


def po_path(language: str) -> Path:
    return LOCALE / SHIPPED[language] / "LC_MESSAGES" / "django.po"
