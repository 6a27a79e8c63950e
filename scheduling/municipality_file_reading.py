"""Reading a municipality file (scheduling/municipality_files.py): the YAML loader that keeps
line numbers, the keys each section may hold, value readers that name the line of a bad value,
and `row_save`, the one way a section creates or updates a row (validated by the model first,
noted in the import's report). Shared by the sections in municipality_files.py and
municipality_districts.py and by the export (municipality_file_export.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models

FORMAT = 1


class FileError(Exception):
    """A problem in the file, with its line (1-based) when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


class Node(dict[str, Any]):
    """A YAML mapping that remembers the line it started on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def at(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    mapping = Node({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {str(key.value): key.start_mark.line + 1 for key, _value in node.value}
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(text: str) -> Node:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise FileError(str(exc.problem or exc), mark.line + 1 if mark else None) from None
    if not isinstance(data, Node):
        raise FileError("the file must be a mapping with a `municipality` section", 1)
    if data.get("format") != FORMAT:
        raise FileError(f"`format: {FORMAT}` expected at the top", data.line)
    return data


# --- Reading values ----------------------------------------------------------------------------


def time_value(value: Any, line: int, name: str) -> dt.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, int):  # YAML 1.1 reads 09:00 unquoted as sexagesimal minutes
        return dt.time(value // 60, value % 60)
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise FileError(f"{name}: {value!r} is not a time (HH:MM)", line) from None


def date_value(value: Any, line: int, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise FileError(f"{name}: {value!r} is not a date (YYYY-MM-DD)", line) from None


def section_items(data: Node, key: str) -> list[Node]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, Node) for i in items):
        raise FileError(f"`{key}` must be a list of mappings", data.line)
    return items


def keys_known(item: Node, allowed: set[str], what: str) -> None:
    unknown = set(item) - allowed
    if unknown:
        raise FileError(f"{what}: unknown key(s) {', '.join(sorted(unknown))}", item.line)


def required(item: Node, key: str, what: str) -> Any:
    if item.get(key) in (None, ""):
        raise FileError(f"{what}: `{key}` is required", item.line)
    return item[key]


@dataclass
class Changes:
    """What an import did (or, in a dry run, would do), for the report."""

    lines: list[str] = field(default_factory=list)
    counts: dict[str, list[int]] = field(default_factory=dict)  # kind -> [created, updated, same]
    progress: Callable[[str], None] | None = None

    def note(self, kind: str, label: str, outcome: str, detail: str = "") -> None:
        self.counts.setdefault(kind, [0, 0, 0])
        index = {"created": 0, "updated": 1, "unchanged": 2, "ended": 1}[outcome]
        self.counts[kind][index] += 1
        if outcome != "unchanged":
            self.lines.append(f"  {outcome} {kind} {label}{': ' + detail if detail else ''}")

    def section_done(self, kind: str) -> None:
        if self.progress is not None:
            created, updated, same = self.counts.get(kind, [0, 0, 0])
            self.progress(f"{kind}: {created} created, {updated} updated, {same} unchanged")

    @property
    def changed(self) -> bool:
        return any(created or updated for created, updated, _same in self.counts.values())


def row_save(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    item: Node,
    changes: Changes,
    kind: str,
    label: str,
) -> Any:
    """Create or update one row from the file, validated by the model first."""
    obj = model._default_manager.filter(**lookup).first()
    outcome = "unchanged"
    differences: list[str] = []
    if obj is None:
        obj = model(**lookup, **values)
        outcome = "created"
    else:
        for name, value in values.items():
            if getattr(obj, name) != value:
                differences.append(f"{name} {getattr(obj, name)!r} → {value!r}")
                setattr(obj, name, value)
        if differences:
            outcome = "updated"
    if outcome != "unchanged":
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            fields = list(getattr(exc, "message_dict", {}))
            line = item.at(fields[0]) if fields else item.line
            raise FileError(f"{kind} {label}: {error_messages(exc)}", line) from None
        obj.save()
    changes.note(kind, label, outcome, ", ".join(differences))
    return obj


def error_messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(map(str, errs))}" for name, errs in exc.message_dict.items()
        )
    return " ".join(map(str, exc.messages))


MUNICIPALITY_KEYS = {
    "code",
    "name",
    "name_en",
    "branding_name",
    "time_zone",
    "holiday_calendar",
    "contact_phone",
    "retention_days",
    "is_active",
}
SITE_KEYS = {
    "code",
    "name",
    "name_en",
    "address",
    "access_note",
    "rooms",
    "open_weekdays",
    "closed_on_public_holidays",
    "closed_nth_weekdays",
    "year_end_start",
    "year_end_end",
    "last_start_time",
    "min_notice_days",
    "modes",
    "is_active",
    "ordering_key",
}
ITYPE_KEYS = {
    "code",
    "name",
    "duration_minutes",
    "buffer_minutes",
    "slot_step_minutes",
    "modes",
    "min_notice_hours",
    "max_days_ahead",
    "hold_minutes",
    "cancel_deadline_business_days",
    "cancel_deadline_time",
    "reminder_hours_before",
    "is_active",
}


def values_of(item: Node, keys: set[str], times: frozenset[str] = frozenset()) -> dict[str, Any]:
    values = {key: item[key] for key in keys - {"code"} if key in item}
    for key in times & set(values):
        values[key] = time_value(values[key], item.at(key), key)
    return values


CONTACT_KEYS = {
    "code",
    "name",
    "name_translations",
    "kind",
    "due_basis",
    "due_from",
    "due_until",
    "qualification",
    "modes",
    "duration_minutes",
    "needs_booking",
    "optional",
    "bring",
    "bring_translations",
    "call_from",
    "ordering_key",
    "is_active",
}
CONTACT_ORDER = ["code", "name", "name_translations", "kind", "due_basis", "due_from", "due_until",
                 "qualification", "modes", "duration_minutes", "needs_booking", "optional",
                 "bring", "bring_translations", "call_from", "ordering_key",
                 "is_active"]  # fmt: skip
