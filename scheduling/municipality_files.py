"""A municipality as one YAML file: onboarding by file (`manage.py municipality_import`) and the
same format back out (`manage.py municipality_export`).

The file describes the municipality, its sites (days, hours, rooms, closures rules), one-off
closures, interview types, nurses with their weekly hours, staff roles and the municipality's own
message texts. Import creates or updates by natural keys (codes, email addresses), so running it
twice changes nothing the second time. Two rules keep it predictable:
- what the file lists is made to match the file; what it does not list is left alone (a site
  added in the admin is not deleted because the file lacks it);
- a nurse's weekly hours are the exception: a nurse in the file works exactly the hours the file
  gives her (hours not in the file end), since half-old half-new hours would offer wrong slots.

Every item is checked before anything is written (the models' own validation plus the format's),
and any error names its line in the file; the whole import is one transaction, so a file with an
error writes nothing.

`contacts` (issue 15) lists the contacts of a pregnancy the municipality's programme offers: each
with its kind, when it falls due, who may do it, and for one that is booked, the interview type
it is booked through (`interview_type: <code>`). A nurse's `hours` entry with `remote: true` is
remote hours (video and phone interviews). `districts` (地区担当 for home visits: each district's
町丁 and nurses) is read by scheduling/municipality_districts.py; an interview type's old
`contacts: []` key is still accepted empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction

from .models import (
    AvailabilityRule,
    Contact,
    InterviewType,
    Municipality,
    Nurse,
    Site,
    SiteClosure,
    StaffRole,
    User,
)

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


def _time(value: Any, line: int, name: str) -> dt.time | None:
    if value in (None, ""):
        return None
    if isinstance(value, int):  # YAML 1.1 reads 09:00 unquoted as sexagesimal minutes
        return dt.time(value // 60, value % 60)
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise FileError(f"{name}: {value!r} is not a time (HH:MM)", line) from None


def _date(value: Any, line: int, name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise FileError(f"{name}: {value!r} is not a date (YYYY-MM-DD)", line) from None


def _items(data: Node, key: str) -> list[Node]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, Node) for i in items):
        raise FileError(f"`{key}` must be a list of mappings", data.line)
    return items


def _known(item: Node, allowed: set[str], what: str) -> None:
    unknown = set(item) - allowed
    if unknown:
        raise FileError(f"{what}: unknown key(s) {', '.join(sorted(unknown))}", item.line)


def _require(item: Node, key: str, what: str) -> Any:
    if item.get(key) in (None, ""):
        raise FileError(f"{what}: `{key}` is required", item.line)
    return item[key]


# --- Applying ----------------------------------------------------------------------------------


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


def _save(
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
            raise FileError(f"{kind} {label}: {_messages(exc)}", line) from None
        obj.save()
    changes.note(kind, label, outcome, ", ".join(differences))
    return obj


def _messages(exc: ValidationError) -> str:
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


def _values(item: Node, keys: set[str], times: frozenset[str] = frozenset()) -> dict[str, Any]:
    values = {key: item[key] for key in keys - {"code"} if key in item}
    for key in times & set(values):
        values[key] = _time(values[key], item.at(key), key)
    return values


def _municipality(data: Node, changes: Changes) -> Municipality:
    item = data.get("municipality")
    if not isinstance(item, Node):
        raise FileError("a `municipality` section is required", data.line)
    _known(item, MUNICIPALITY_KEYS, "municipality")
    code = _require(item, "code", "municipality")
    muni = _save(
        Municipality,
        {"code": code},
        _values(item, MUNICIPALITY_KEYS),
        item,
        changes,
        "municipality",
        code,
    )
    changes.section_done("municipality")
    return muni


def _sites(data: Node, muni: Municipality, changes: Changes) -> dict[str, Site]:
    sites = {}
    for item in _items(data, "sites"):
        _known(item, SITE_KEYS, "site")
        code = _require(item, "code", "site")
        values = _values(item, SITE_KEYS, frozenset({"last_start_time"}))
        sites[code] = _save(
            Site, {"municipality": muni, "code": code}, values, item, changes, "site", code
        )
    changes.section_done("site")
    return {s.code: s for s in Site.objects.filter(municipality=muni)} | sites


def _site(sites: dict[str, Site], code: Any, line: int) -> Site:
    if code not in sites:
        raise FileError(f"no site {code!r} in this municipality", line)
    return sites[code]


def _closures(data: Node, muni: Municipality, sites: dict[str, Site], changes: Changes) -> None:
    for item in _items(data, "closures"):
        _known(item, {"site", "from", "until", "reason"}, "closure")
        site = _site(sites, item["site"], item.at("site")) if item.get("site") else None
        start = _date(_require(item, "from", "closure"), item.at("from"), "from")
        end = _date(item.get("until") or item["from"], item.at("until"), "until")
        if start and end and end < start:
            raise FileError("closure: `until` is before `from`", item.line)
        label = f"{site.code if site else '(all sites)'} {start}–{end}"
        _save(
            SiteClosure,
            {"municipality": muni, "site": site, "date_from": start, "date_to": end},
            {"reason": item.get("reason") or ""},
            item,
            changes,
            "closure",
            label,
        )
    changes.section_done("closure")


def _interview_types(data: Node, muni: Municipality, changes: Changes) -> None:
    for item in _items(data, "interview_types"):
        _known(item, ITYPE_KEYS | {"contacts"}, "interview type")
        if item.get("contacts"):
            raise FileError(
                "interview type: `contacts` is reserved (issue 15); leave it empty",
                item.at("contacts"),
            )
        code = _require(item, "code", "interview type")
        values = _values(item, ITYPE_KEYS, frozenset({"cancel_deadline_time"}))
        _save(
            InterviewType,
            {"municipality": muni, "code": code},
            values,
            item,
            changes,
            "interview type",
            code,
        )
    changes.section_done("interview type")


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


def _contacts(data: Node, muni: Municipality, sites: dict[str, Site], changes: Changes) -> None:
    itypes = {it.code: it for it in InterviewType.objects.filter(municipality=muni)}
    for item in _items(data, "contacts"):
        _known(item, CONTACT_KEYS | {"interview_type", "sites"}, "contact")
        code = _require(item, "code", "contact")
        values = _values(item, CONTACT_KEYS)
        for key in ("name_translations", "bring_translations"):
            if not isinstance(values.get(key, {}), dict):
                raise FileError(f"contact {code}: `{key}` maps a language to a text", item.at(key))
        itype_code = item.get("interview_type")
        if itype_code and itype_code not in itypes:
            raise FileError(
                f"no interview type {itype_code!r} in this file", item.at("interview_type")
            )
        values["interview_type"] = itypes[itype_code] if itype_code else None
        if (
            values.get("needs_booking", True)
            and values["interview_type"] is None
            and values.get("kind") in (Contact.Kind.SITE_INTERVIEW, Contact.Kind.REMOTE_INTERVIEW)
        ):
            raise FileError(
                f"contact {code}: an interview that needs a booking names its `interview_type`",
                item.line,
            )
        contact = _save(
            Contact, {"municipality": muni, "code": code}, values, item, changes, "contact", code
        )
        wanted = {_site(sites, c, item.at("sites")) for c in item.get("sites") or []}
        if set(contact.sites.all()) != wanted:
            contact.sites.set(wanted)
            changes.note("contact sites", code, "updated")
    changes.section_done("contact")


def _user(email: str, name: str, line: int, changes: Changes) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, display_name=name)
        user.set_unusable_password()  # she sets her own through "forgot password"
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise FileError(f"user {email}: {_messages(exc)}", line) from None
        user.save()
        changes.note("user", email, "created")
    return user


def _nurses(data: Node, muni: Municipality, sites: dict[str, Site], changes: Changes) -> None:
    keys = {"email", "name", "qualification", "languages", "sites", "hours", "is_active"}
    for item in _items(data, "nurses"):
        _known(item, keys, "nurse")
        email = _require(item, "email", "nurse")
        user = _user(email, item.get("name", ""), item.line, changes)
        other = Nurse.objects.filter(user=user).exclude(municipality=muni).first()
        if other is not None:
            raise FileError(f"nurse {email} works for another municipality", item.line)
        keep = ("name", "qualification", "languages", "is_active")
        values = {k: item[k] for k in keep if k in item}
        nurse = _save(
            Nurse, {"user": user, "municipality": muni}, values, item, changes, "nurse", email
        )
        wanted = {_site(sites, code, item.at("sites")) for code in item.get("sites") or []}
        if set(nurse.sites.all()) != wanted:
            nurse.sites.set(wanted)
            changes.note("nurse sites", email, "updated")
        _hours(item, nurse, sites, changes)
    changes.section_done("nurse")


def _hours(item: Node, nurse: Nurse, sites: dict[str, Site], changes: Changes) -> None:
    """The nurse's weekly hours become exactly the file's (rules not in it are removed)."""
    keys = {"site", "weekdays", "from", "until", "valid_from", "valid_to", "remote"}
    kept = set()
    for hours in item.get("hours") or []:
        if not isinstance(hours, Node):
            raise FileError("hours: each entry is a mapping", item.line)
        _known(hours, keys, "hours")
        site = _site(sites, _require(hours, "site", "hours"), hours.at("site"))
        start = _time(_require(hours, "from", "hours"), hours.at("from"), "from")
        end = _time(_require(hours, "until", "hours"), hours.at("until"), "until")
        valid_from = _date(_require(hours, "valid_from", "hours"), hours.at("valid_from"), "from")
        valid_to = _date(hours.get("valid_to"), hours.at("valid_to"), "valid_to")
        weekdays = hours.get("weekdays") or []
        if not weekdays or not all(isinstance(d, int) and 0 <= d <= 6 for d in weekdays):
            raise FileError("hours: `weekdays` are 0 (Monday) … 6 (Sunday)", hours.at("weekdays"))
        for weekday in weekdays:
            rule = _save(
                AvailabilityRule,
                {
                    "nurse": nurse,
                    "site": site,
                    "weekday": weekday,
                    "start_time": start,
                    "end_time": end,
                    "remote": bool(hours.get("remote")),
                },
                {"valid_from": valid_from, "valid_to": valid_to},
                hours,
                changes,
                "hours",
                f"{nurse.user.email} {site.code} {weekday} {start:%H:%M}–{end:%H:%M}"
                + (" remote" if hours.get("remote") else ""),
            )
            kept.add(rule.pk)
    for rule in AvailabilityRule.objects.filter(nurse=nurse).exclude(pk__in=kept):
        changes.note("hours", f"{nurse.user.email} {rule.site.code} {rule.weekday}", "ended")
        rule.delete()


def _staff(data: Node, muni: Municipality, sites: dict[str, Site], changes: Changes) -> None:
    for item in _items(data, "staff"):
        _known(item, {"email", "name", "role", "sites"}, "staff")
        email = _require(item, "email", "staff")
        role = _require(item, "role", "staff")
        if role not in StaffRole.Role.values:
            roles = ", ".join(StaffRole.Role.values)
            raise FileError(f"staff {email}: role is one of {roles}", item.at("role"))
        user = _user(email, item.get("name", ""), item.line, changes)
        staff_role = _save(
            StaffRole,
            {"user": user, "municipality": muni, "role": role},
            {},
            item,
            changes,
            "staff role",
            f"{email} {role}",
        )
        wanted = {_site(sites, code, item.at("sites")) for code in item.get("sites") or []}
        if set(staff_role.sites.all()) != wanted:
            staff_role.sites.set(wanted)
            changes.note("staff sites", email, "updated")
    changes.section_done("staff role")


def _message_texts(data: Node, muni: Municipality, changes: Changes) -> None:
    from notifications.models import MessageText
    from notifications.text_services import message_text_save

    for item in _items(data, "message_texts"):
        _known(item, {"channel", "purpose", "language", "subject", "body"}, "message text")
        key = {k: _require(item, k, "message text") for k in ("channel", "purpose", "language")}
        body = str(_require(item, "body", "message text")).strip()
        subject = str(item.get("subject") or "").strip()
        label = "/".join(key.values())
        current = MessageText.objects.filter(municipality=muni, **key).first()
        if current is not None and (current.subject, current.body) == (subject, body):
            changes.note("message text", label, "unchanged")
            continue
        try:
            message_text_save(municipality=muni, subject=subject, body=body, actor=None, **key)
        except Exception as exc:  # the service's own refusal, whatever its type
            raise FileError(f"message text {label}: {exc}", item.line) from None
        changes.note("message text", label, "created" if current is None else "updated")
    changes.section_done("message text")


class _DryRun(Exception):
    pass


def municipality_import(
    text: str, *, dry_run: bool = False, progress: Callable[[str], None] | None = None
) -> Changes:
    """Apply a municipality file; in a dry run, report what would change and write nothing."""
    data = load(text)
    _known(
        data,
        {
            "format",
            "municipality",
            "sites",
            "closures",
            "interview_types",
            "nurses",
            "staff",
            "message_texts",
            "contacts",
            "districts",
        },
        "file",
    )
    from .municipality_districts import districts_import  # it builds on this module's readers

    changes = Changes(progress=progress)
    try:
        with transaction.atomic():
            muni = _municipality(data, changes)
            sites = _sites(data, muni, changes)
            _closures(data, muni, sites, changes)
            _interview_types(data, muni, changes)
            _contacts(data, muni, sites, changes)
            _nurses(data, muni, sites, changes)
            districts_import(data, muni, changes)
            _staff(data, muni, sites, changes)
            _message_texts(data, muni, changes)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    if changes.changed:
        from .availability import availability_changed

        availability_changed()
    return changes


# --- Export ------------------------------------------------------------------------------------


def _plain(obj: models.Model, keys: Iterator[str] | set[str], order: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in order:
        if key not in keys:
            continue
        value = getattr(obj, key)
        if isinstance(value, dt.time):
            value = value.strftime("%H:%M")
        out[key] = value
    return out


def municipality_export(municipality: Municipality) -> str:
    """The municipality in the import format (importing it back changes nothing)."""
    from notifications.models import MessageText

    from .municipality_districts import districts_export

    muni_order = ["code", "name", "name_en", "branding_name", "time_zone", "holiday_calendar",
                  "contact_phone", "retention_days", "is_active"]  # fmt: skip
    site_order = ["code", "name", "name_en", "address", "access_note", "rooms", "open_weekdays",
                  "closed_on_public_holidays", "closed_nth_weekdays", "year_end_start",
                  "year_end_end", "last_start_time", "min_notice_days", "modes", "is_active",
                  "ordering_key"]  # fmt: skip
    itype_order = ["code", "name", "duration_minutes", "buffer_minutes", "slot_step_minutes",
                   "modes", "min_notice_hours", "max_days_ahead", "hold_minutes",
                   "cancel_deadline_business_days", "cancel_deadline_time",
                   "reminder_hours_before", "is_active"]  # fmt: skip
    data: dict[str, Any] = {"format": FORMAT}
    data["municipality"] = _plain(municipality, MUNICIPALITY_KEYS, muni_order)
    sites = Site.objects.filter(municipality=municipality).order_by("ordering_key", "id")
    data["sites"] = [_plain(site, SITE_KEYS, site_order) for site in sites]
    data["closures"] = [
        {
            **({"site": c.site.code} if c.site else {}),
            "from": c.date_from.isoformat(),
            "until": c.date_to.isoformat(),
            "reason": c.reason,
        }
        for c in SiteClosure.objects.filter(municipality=municipality)
        .select_related("site")
        .order_by("date_from", "site__code", "id")
    ]
    data["interview_types"] = [
        _plain(it, ITYPE_KEYS, itype_order)
        for it in InterviewType.objects.filter(municipality=municipality).order_by("id")
    ]
    data["contacts"] = [
        _plain(c, CONTACT_KEYS, CONTACT_ORDER)
        | {"interview_type": c.interview_type.code if c.interview_type else None}
        | {"sites": sorted(s.code for s in c.sites.all())}
        for c in Contact.objects.filter(municipality=municipality)
        .select_related("interview_type")
        .prefetch_related("sites")
        .order_by("ordering_key", "code")
    ]
    data["nurses"] = [_nurse_export(n) for n in _nurses_of(municipality)]
    data["staff"] = [
        {
            "email": role.user.email,
            "name": role.user.display_name,
            "role": role.role,
            "sites": sorted(s.code for s in role.sites.all()),
        }
        for role in StaffRole.objects.filter(municipality=municipality)
        .select_related("user")
        .prefetch_related("sites")
        .order_by("user__email", "role")
    ]
    data["message_texts"] = [
        {"channel": t.channel, "purpose": t.purpose, "language": t.language}
        | ({"subject": t.subject} if t.subject else {})
        | {"body": t.body}
        for t in MessageText.objects.filter(municipality=municipality).order_by(
            "channel", "purpose", "language"
        )
    ]
    data["districts"] = districts_export(municipality)
    header = (
        "# Yurikago municipality file: manage.py municipality_import FILE [--dry-run]\n"
        "# Weekdays are 0 (Monday) … 6 (Sunday); times HH:MM; dates YYYY-MM-DD.\n"
    )
    return header + yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


class _Dumper(yaml.SafeDumper):
    """Short lists of plain values on one line ([0, 1, 2, 3, 4]), as a person would write them."""

    def represent_list(self, data: list[Any]) -> yaml.SequenceNode:  # type: ignore[override]
        flat = all(
            not isinstance(item, (dict, list)) or (isinstance(item, list) and len(item) <= 3)
            for item in data
        )
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_Dumper.add_representer(list, _Dumper.represent_list)


def _nurses_of(municipality: Municipality) -> models.QuerySet[Nurse]:
    return (
        Nurse.objects.filter(municipality=municipality)
        .select_related("user")
        .prefetch_related("sites", "rules__site")
        .order_by("user__email")
    )


def _nurse_export(nurse: Nurse) -> dict[str, Any]:
    groups: dict[tuple[str, str, str, str, str | None, bool], list[int]] = {}
    for rule in sorted(nurse.rules.all(), key=lambda r: (r.site.code, r.start_time, r.weekday)):
        key = (
            rule.site.code,
            rule.start_time.strftime("%H:%M"),
            rule.end_time.strftime("%H:%M"),
            rule.valid_from.isoformat(),
            rule.valid_to.isoformat() if rule.valid_to else None,
            rule.remote,
        )
        groups.setdefault(key, []).append(rule.weekday)
    return {
        "email": nurse.user.email,
        "name": nurse.name,
        "qualification": nurse.qualification,
        "languages": nurse.languages,
        "is_active": nurse.is_active,
        "sites": sorted(s.code for s in nurse.sites.all()),
        "hours": [
            {
                "site": site,
                "weekdays": sorted(days),
                "from": start,
                "until": end,
                "valid_from": valid_from,
                "valid_to": valid_to,
            }
            | ({"remote": True} if remote else {})
            for (site, start, end, valid_from, valid_to, remote), days in groups.items()
        ],
    }
