"""A small reader for our .po files, so tests need no GNU gettext (a fresh machine may lack it)."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

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
