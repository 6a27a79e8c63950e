"""Writing checked pregnancy notifications (issue 16): match each to a resident, then insert the
new sign-ins, residents, pregnancies and notifications in bulk. The caller
(scheduling.notification_import) owns the transaction and has refused any file with an error.

A fixed number of queries whatever the size (one per lookup of up to LOOKUP_CHUNK rows, two per
table written): no query per row. Matching is by phone or email within the municipality, on her
resident record or on her sign-in; a matched resident's newest ongoing pregnancy without a
notification becomes the notified one, else a new pregnancy is made for her.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Q

from .bulk_rows import any_of, insert_rows, update_rows
from .models import Municipality, Pregnancy, PregnancyNotification, Resident, User
from .notification_rows import NotificationRow

# Rows per lookup query: one query for a 10,000-row file, and under SQLite's 32,766 variables.
LOOKUP_CHUNK = 10_000


@dataclass
class Written:
    created: int = 0  # new pregnancies (of new or existing residents)
    matched: int = 0  # of those, residents we already knew


def chunks[T](items: list[T], size: int = LOOKUP_CHUNK) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def known_keys(municipality: Municipality, keys: list[str]) -> set[str]:
    """The record keys imported before (one query per LOOKUP_CHUNK keys)."""
    known: set[str] = set()
    for chunk in chunks(keys):
        known.update(
            PregnancyNotification.objects.filter(
                any_of("record_key", chunk), municipality=municipality
            ).values_list("record_key", flat=True)
        )
    return known


def _residents_by_contact(
    municipality: Municipality, rows: list[NotificationRow]
) -> dict[str, Resident]:
    """Her municipality's residents with one of the rows' phones or emails (on her record or as
    her sign-in), by phone and email. One query per kind: an OR across the join is slow."""
    phones = [r.phone for r in rows if r.phone]
    emails = [r.email for r in rows if r.email]
    ours = Resident.objects.filter(
        municipality=municipality, anonymised_at__isnull=True
    ).select_related("user")
    found: dict[str, Resident] = {}
    for query in (
        ours.filter(any_of("phone", phones)),
        ours.filter(any_of("email", emails)),
        ours.filter(any_of("user__phone", phones)),
        ours.filter(any_of("user__email", emails)),
    ):
        for resident in query.order_by("pk"):
            for contact in (
                resident.phone,
                resident.email.lower(),
                resident.user.phone or "",
                (resident.user.email or "").lower(),
            ):
                if contact:
                    found.setdefault(contact, resident)
    return found


def matches(municipality: Municipality, rows: list[NotificationRow]) -> dict[str, Resident | None]:
    """Record key → the resident she already is, or None."""
    found: dict[str, Resident | None] = {}
    for chunk in chunks(rows):
        by_contact = _residents_by_contact(municipality, chunk)
        found.update(
            {
                row.record_key: by_contact.get(row.phone) or by_contact.get(row.email)
                for row in chunk
            }
        )
    return found


def _taken_sign_ins(rows: list[NotificationRow]) -> set[str]:
    taken: set[str] = set()
    for chunk in chunks(rows):
        phones = [r.phone for r in chunk if r.phone]
        emails = [r.email for r in chunk if r.email]
        for phone, email in User.objects.filter(
            Q(any_of("phone", phones)) | Q(any_of("email", emails))
        ).values_list("phone", "email"):
            taken.update(v.lower() for v in (phone, email) if v)
    return taken


def _open_pregnancies(resident_ids: set[int]) -> dict[int, Pregnancy]:
    """Each resident's newest ongoing pregnancy that has no notification yet."""
    found: dict[int, Pregnancy] = {}
    query = Pregnancy.objects.filter(
        any_of("resident_id", list(resident_ids)), is_active=True, notification__isnull=True
    ).order_by("resident_id", "-created_at", "-pk")
    for pregnancy in query:
        found.setdefault(pregnancy.resident_id, pregnancy)
    return found


def _sign_in(row: NotificationRow, taken: set[str]) -> dict[str, object]:
    login_phone = row.phone if row.phone_mobile else ""
    return {
        "email": row.email if row.email and row.email not in taken else None,
        "phone": login_phone if login_phone and login_phone not in taken else None,
        "display_name": row.name,
        # What make_password(None) gives (unusable: she signs in by code), at a tenth the cost.
        "password": UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
    }


def write_rows(
    municipality: Municipality,
    rows: list[NotificationRow],
    source: str,
    now: dt.datetime,
) -> Written:
    """Insert the rows' notifications (none of whose record keys is known yet)."""
    matched = matches(municipality, rows)
    taken = _taken_sign_ins(rows)
    open_pregnancies = _open_pregnancies({r.pk for r in matched.values() if r is not None})
    new_rows = [row for row in rows if matched[row.record_key] is None]
    user_ids = insert_rows(User, [_sign_in(row, taken) for row in new_rows], now=now)
    resident_ids = insert_rows(
        Resident,
        [
            {
                "user_id": user_id,
                "municipality_id": municipality.pk,
                "name": row.name,
                "name_kana": row.name_kana,
                "phone": row.phone,
                "email": row.email,
                "preferred_language": str(row.language),
            }
            for row, user_id in zip(new_rows, user_ids, strict=True)
        ],
        now=now,
    )
    resident_of: dict[str, int] = {
        key: resident.pk for key, resident in matched.items() if resident is not None
    }
    resident_of.update(
        {row.record_key: rid for row, rid in zip(new_rows, resident_ids, strict=True)}
    )
    to_update: list[Pregnancy] = []
    pregnancy_of: dict[str, int] = {}
    to_create: list[NotificationRow] = []
    for row in rows:
        existing = None
        if matched[row.record_key] is not None:
            existing = open_pregnancies.pop(resident_of[row.record_key], None)
        if existing is None:
            to_create.append(row)
            continue
        existing.notified_on = row.notified_on
        existing.due_date = existing.due_date or row.due_date
        existing.handbook_number = existing.handbook_number or row.handbook_number
        to_update.append(existing)
        pregnancy_of[row.record_key] = existing.pk
    update_rows(
        Pregnancy,
        ["notified_on", "due_date", "handbook_number"],
        [(p.pk, p.notified_on, p.due_date, p.handbook_number) for p in to_update],
    )
    new_ids = insert_rows(
        Pregnancy,
        [
            {
                "resident_id": resident_of[row.record_key],
                "due_date": row.due_date,
                "handbook_number": row.handbook_number,
                "preferred_language": str(row.language),
                "notified_on": row.notified_on,
            }
            for row in to_create
        ],
        now=now,
    )
    pregnancy_of.update({row.record_key: pid for row, pid in zip(to_create, new_ids, strict=True)})
    insert_rows(
        PregnancyNotification,
        [
            {
                "municipality_id": municipality.pk,
                "record_key": row.record_key,
                "pregnancy_id": pregnancy_of[row.record_key],
                "notified_on": row.notified_on,
                "counter": row.counter,
                "date_of_birth": row.date_of_birth,
                "address": row.address,
                "district": row.district,
                "source": str(source),
                "matched_existing": matched[row.record_key] is not None,
            }
            for row in rows
        ],
        now=now,
    )
    return Written(
        created=len(rows), matched=sum(1 for r in rows if matched[r.record_key] is not None)
    )
