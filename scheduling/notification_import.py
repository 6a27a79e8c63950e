"""Pregnancy notifications in (issue 16): the municipality's 母子保健 export, as a CSV file (staff
page, `manage.py notifications_import`) or one record at a time (the staff API).

A file is all or nothing. It is read whole and checked whole first; any error, in any row, refuses
the file and nothing of it is written. Each error names its line (the header is line 1) and says
what is wrong in plain words. Refused outright, before any row:

- a My Number (個人番号): a column named like one, or any value of 12 digits. Yurikago never
  holds one (APPI; the 番号法 limits who may), so a file that carries one is not read further;
- a file that is neither UTF-8 nor Shift_JIS (cp932), or whose text is garbled (mojibake: a
  Shift_JIS file read as another encoding somewhere upstream, e.g. "‚³‚­‚ç" for さくら).

Idempotent on the municipality's own record key (整理番号): a record already imported is left as
it is, so the same file imported twice writes nothing the second time. A key twice in one file
is an error.

Each new record becomes a pregnancy in state "notified" (`Pregnancy.notified_on` set and a
`PregnancyNotification`): her ongoing pregnancy if she is a resident already (matched by phone or
email within the municipality) and that pregnancy has no notification yet; otherwise a new one,
for her or for a new resident. A new resident gets a sign-in by her mobile number and email where
no other account has them, as the booking flow does.

Writes are in bulk (a fixed number of queries per chunk of rows; COPY on PostgreSQL), so 10,000
rows import in seconds (bench/bench_notifications_import.py).

The parts: notification_rows (one record's checks, My Number), notification_export (a file:
encoding, header, every row), notification_writes (matching and the bulk inserts); this module
is the entry point and owns the transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import webhooks

from .models import Municipality, PregnancyNotification
from .notification_export import MAX_ROWS, decode_export, parse_export
from .notification_rows import (
    COLUMNS,
    NotificationFileError,
    NotificationRow,
    RowError,
    looks_like_my_number,
    my_number_header_error,
    phone_e164,
    row_from_values,
)
from .notification_writes import chunks, known_keys, matches, write_rows

__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "ImportResult",
    "NotificationFileError",
    "NotificationRow",
    "RowError",
    "decode_export",
    "looks_like_my_number",
    "my_number_header_error",
    "notifications_import",
    "notifications_import_file",
    "parse_export",
    "phone_e164",
    "row_from_values",
]

# Rows written per round (the progress output's step); each round is a fixed number of queries.
WRITE_CHUNK = 5000


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0  # new pregnancies (of new or existing residents)
    matched: int = 0  # of those, residents we already knew
    already: int = 0  # record keys imported before: left as they were
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def refused(self) -> bool:
        return bool(self.errors)


def notifications_import(
    *,
    municipality: Municipality,
    rows: list[NotificationRow],
    errors: list[RowError] | None = None,
    source: str = PregnancyNotification.Source.FILE,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Write the rows' new notifications, all in one transaction, unless there is any error (or
    this is a dry run): then nothing. Record keys already imported are left as they are."""
    result = ImportResult(rows=len(rows), errors=list(errors or []), dry_run=dry_run)
    if result.refused:
        return result
    now = timezone.now()
    with transaction.atomic():
        known = known_keys(municipality, [row.record_key for row in rows])
        new = [row for row in rows if row.record_key not in known]
        result.already = len(rows) - len(new)
        if dry_run:
            result.created = len(new)
            found = matches(municipality, new)
            result.matched = sum(1 for resident in found.values() if resident is not None)
            return result
        for chunk in chunks(new, WRITE_CHUNK):
            written = write_rows(municipality, chunk, source, now)
            # Integrators subscribed to "notification imported": one query when none is.
            webhooks.webhooks_queue_notifications(
                municipality_id=municipality.pk, record_keys=[r.record_key for r in chunk], now=now
            )
            result.created += written.created
            result.matched += written.matched
            if progress:
                progress(
                    _("%(done)d of %(total)d written") % {"done": result.created, "total": len(new)}
                )
    return result


def notifications_import_file(
    *,
    municipality: Municipality,
    data: bytes,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """A whole export file: read, checked, then written (or refused: nothing written)."""
    try:
        rows, errors = parse_export(decode_export(data))
    except NotificationFileError as exc:
        return ImportResult(errors=[RowError(0, str(exc))], dry_run=dry_run)
    if progress:
        progress(
            _("%(rows)d rows read, %(errors)d errors") % {"rows": len(rows), "errors": len(errors)}
        )
    return notifications_import(
        municipality=municipality, rows=rows, errors=errors, dry_run=dry_run, progress=progress
    )
