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
町丁 and nurses) is read by scheduling/municipality_districts.py, and a contact's
`districts: [code, …]` (whose nurses do its home visits) is applied after them; an interview
type's old `contacts: []` key is still accepted empty.

The file's format (loader, keys, value readers) is in municipality_file_reading.py, the export in
municipality_file_export.py; this module applies a file, section by section.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import (
    AvailabilityRule,
    Contact,
    District,
    InterviewType,
    Municipality,
    Nurse,
    Site,
    SiteClosure,
    StaffRole,
    User,
)
from .municipality_districts import districts_import
from .municipality_file_export import municipality_export
from .municipality_file_reading import (
    CONTACT_KEYS,
    ITYPE_KEYS,
    MUNICIPALITY_KEYS,
    SITE_KEYS,
    Changes,
    FileError,
    Node,
    date_value,
    error_messages,
    keys_known,
    load,
    required,
    row_save,
    section_items,
    time_value,
    values_of,
)

__all__ = ["Changes", "FileError", "municipality_export", "municipality_import"]


def _municipality(data: Node, changes: Changes) -> Municipality:
    item = data.get("municipality")
    if not isinstance(item, Node):
        raise FileError("a `municipality` section is required", data.line)
    keys_known(item, MUNICIPALITY_KEYS, "municipality")
    code = required(item, "code", "municipality")
    muni = row_save(
        Municipality,
        {"code": code},
        values_of(item, MUNICIPALITY_KEYS),
        item,
        changes,
        "municipality",
        code,
    )
    changes.section_done("municipality")
    return muni


def _sites(data: Node, muni: Municipality, changes: Changes) -> dict[str, Site]:
    sites = {}
    for item in section_items(data, "sites"):
        keys_known(item, SITE_KEYS, "site")
        code = required(item, "code", "site")
        values = values_of(item, SITE_KEYS, frozenset({"last_start_time"}))
        sites[code] = row_save(
            Site, {"municipality": muni, "code": code}, values, item, changes, "site", code
        )
    changes.section_done("site")
    return {s.code: s for s in Site.objects.filter(municipality=muni)} | sites


def _site(sites: dict[str, Site], code: Any, line: int) -> Site:
    if code not in sites:
        raise FileError(f"no site {code!r} in this municipality", line)
    return sites[code]


def _closures(data: Node, muni: Municipality, sites: dict[str, Site], changes: Changes) -> None:
    for item in section_items(data, "closures"):
        keys_known(item, {"site", "from", "until", "reason"}, "closure")
        site = _site(sites, item["site"], item.at("site")) if item.get("site") else None
        start = date_value(required(item, "from", "closure"), item.at("from"), "from")
        end = date_value(item.get("until") or item["from"], item.at("until"), "until")
        if start and end and end < start:
            raise FileError("closure: `until` is before `from`", item.line)
        label = f"{site.code if site else '(all sites)'} {start}–{end}"
        row_save(
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
    for item in section_items(data, "interview_types"):
        keys_known(item, ITYPE_KEYS | {"contacts"}, "interview type")
        if item.get("contacts"):
            raise FileError(
                "interview type: `contacts` is reserved (issue 15); leave it empty",
                item.at("contacts"),
            )
        code = required(item, "code", "interview type")
        values = values_of(item, ITYPE_KEYS, frozenset({"cancel_deadline_time"}))
        row_save(
            InterviewType,
            {"municipality": muni, "code": code},
            values,
            item,
            changes,
            "interview type",
            code,
        )
    changes.section_done("interview type")


def _contacts(data: Node, muni: Municipality, sites: dict[str, Site], changes: Changes) -> None:
    itypes = {it.code: it for it in InterviewType.objects.filter(municipality=muni)}
    for item in section_items(data, "contacts"):
        keys_known(item, CONTACT_KEYS | {"interview_type", "sites", "districts"}, "contact")
        code = required(item, "code", "contact")
        values = values_of(item, CONTACT_KEYS)
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
        contact = row_save(
            Contact, {"municipality": muni, "code": code}, values, item, changes, "contact", code
        )
        wanted = {_site(sites, c, item.at("sites")) for c in item.get("sites") or []}
        if set(contact.sites.all()) != wanted:
            contact.sites.set(wanted)
            changes.note("contact sites", code, "updated")
    changes.section_done("contact")


def _contact_districts(data: Node, muni: Municipality, changes: Changes) -> None:
    """A contact's districts (home visits: whose nurses do it), once the file's districts exist;
    a contact without the key keeps what it has, as its other many-to-many fields do."""
    districts = {d.code: d for d in District.objects.filter(municipality=muni)}
    for item in section_items(data, "contacts"):
        if "districts" not in item:
            continue
        code = item["code"]
        wanted = set()
        for district_code in item.get("districts") or []:
            if district_code not in districts:
                raise FileError(f"no district {district_code!r} in this file", item.at("districts"))
            wanted.add(districts[district_code])
        contact = Contact.objects.get(municipality=muni, code=code)
        if set(contact.districts.all()) != wanted:
            contact.districts.set(wanted)
            changes.note("contact districts", code, "updated")


def _user(email: str, name: str, line: int, changes: Changes) -> User:
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, display_name=name)
        user.set_unusable_password()  # she sets her own through "forgot password"
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise FileError(f"user {email}: {error_messages(exc)}", line) from None
        user.save()
        changes.note("user", email, "created")
    return user


def _nurses(data: Node, muni: Municipality, sites: dict[str, Site], changes: Changes) -> None:
    keys = {"email", "name", "qualification", "languages", "sites", "hours", "is_active"}
    for item in section_items(data, "nurses"):
        keys_known(item, keys, "nurse")
        email = required(item, "email", "nurse")
        user = _user(email, item.get("name", ""), item.line, changes)
        other = Nurse.objects.filter(user=user).exclude(municipality=muni).first()
        if other is not None:
            raise FileError(f"nurse {email} works for another municipality", item.line)
        keep = ("name", "qualification", "languages", "is_active")
        values = {k: item[k] for k in keep if k in item}
        nurse = row_save(
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
        keys_known(hours, keys, "hours")
        site = _site(sites, required(hours, "site", "hours"), hours.at("site"))
        start = time_value(required(hours, "from", "hours"), hours.at("from"), "from")
        end = time_value(required(hours, "until", "hours"), hours.at("until"), "until")
        valid_from = date_value(
            required(hours, "valid_from", "hours"), hours.at("valid_from"), "from"
        )
        valid_to = date_value(hours.get("valid_to"), hours.at("valid_to"), "valid_to")
        weekdays = hours.get("weekdays") or []
        if not weekdays or not all(isinstance(d, int) and 0 <= d <= 6 for d in weekdays):
            raise FileError("hours: `weekdays` are 0 (Monday) … 6 (Sunday)", hours.at("weekdays"))
        for weekday in weekdays:
            rule = row_save(
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
    for item in section_items(data, "staff"):
        keys_known(item, {"email", "name", "role", "sites"}, "staff")
        email = required(item, "email", "staff")
        role = required(item, "role", "staff")
        if role not in StaffRole.Role.values:
            roles = ", ".join(StaffRole.Role.values)
            raise FileError(f"staff {email}: role is one of {roles}", item.at("role"))
        user = _user(email, item.get("name", ""), item.line, changes)
        staff_role = row_save(
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

    for item in section_items(data, "message_texts"):
        keys_known(item, {"channel", "purpose", "language", "subject", "body"}, "message text")
        key = {k: required(item, k, "message text") for k in ("channel", "purpose", "language")}
        body = str(required(item, "body", "message text")).strip()
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
    keys_known(
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
            _contact_districts(data, muni, changes)
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
