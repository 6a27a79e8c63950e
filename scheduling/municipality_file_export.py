"""A municipality back out as its YAML file (`manage.py municipality_export`), in the format
municipality_files.py reads: importing the export changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import yaml
from django.db import models

from notifications.models import MessageText

from .models import Contact, InterviewType, Municipality, Nurse, Site, SiteClosure, StaffRole
from .municipality_districts import districts_export
from .municipality_file_reading import (
    CONTACT_KEYS,
    CONTACT_ORDER,
    FORMAT,
    ITYPE_KEYS,
    MUNICIPALITY_KEYS,
    SITE_KEYS,
)


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
        # Only when set: a contact for every district (the usual case) reads as it is written.
        | ({"districts": sorted(d.code for d in c.districts.all())} if c.districts.all() else {})
        for c in Contact.objects.filter(municipality=municipality)
        .select_related("interview_type")
        .prefetch_related("sites", "districts")
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
