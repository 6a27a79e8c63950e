"""Reading a 母子保健 export file (issue 16): its encoding, its header and every row, checked
whole before anything is written (scheduling.notification_import writes).

Refused outright, before any row is checked:
- a My Number (個人番号): a column named like one, or any value of 12 digits;
- a file that is neither UTF-8 nor Shift_JIS (cp932); garbled text (mojibake) is a row error;
- more than MAX_ROWS rows, an empty file, a header without the required columns.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _

from .notification_rows import (
    COLUMNS,
    REQUIRED,
    NotificationFileError,
    NotificationRow,
    RowError,
    looks_like_my_number,
    my_number_header_error,
    row_from_values,
)

MAX_ROWS = 50_000


def decode_export(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS (Windows' cp932, what Excel writes)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        text = None
    # Python's cp932 maps the bytes Shift_JIS leaves undefined (0x80, 0xA0, 0xFD-0xFF) to
    # U+0080 and private-use characters rather than failing: no export has those.
    if text is not None and not any(c == "\x80" or "\ue000" <= c <= "\uf8ff" for c in text):
        return text
    raise NotificationFileError(
        _("The file is neither UTF-8 nor Shift_JIS text. Export it again as CSV (UTF-8).")
    )


def _header_map(header: list[str]) -> dict[str, int]:
    aliases = {alias: key for key, names in COLUMNS.items() for alias in names}
    found: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = unicodedata.normalize("NFKC", raw).strip()
        error = my_number_header_error(raw, index + 1)
        if error:
            raise NotificationFileError(error)
        key = aliases.get(name) or aliases.get(unicodedata.normalize("NFKC", raw).strip())
        if key is not None and key not in found:
            found[key] = index
    missing = [COLUMNS[key][0] for key in REQUIRED if key not in found]
    if missing:
        raise NotificationFileError(
            _("The header has no column %(names)s. Is this the pregnancy notification export?")
            % {"names": "、".join(missing)}
        )
    return found


def _refuse_my_numbers(records: list[list[str]], header: list[str]) -> None:
    for offset, record in enumerate(records):
        for index, value in enumerate(record):
            if looks_like_my_number(value):
                column = header[index].strip() if index < len(header) else str(index + 1)
                raise NotificationFileError(
                    _(
                        "Line %(line)d, column %(column)s holds 12 digits, which looks like a My "
                        "Number. Yurikago never stores a My Number: remove it from the export "
                        "and import the file again. Nothing was imported."
                    )
                    % {"line": offset + 2, "column": column}
                )


def parse_export(text: str) -> tuple[list[NotificationRow], list[RowError]]:
    """The rows of an export and every row's errors; raises NotificationFileError for the file."""
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise NotificationFileError(_("The file is not a readable CSV file (%s).") % exc) from None
    records = [r for r in records if any(cell.strip() for cell in r)]
    if not records:
        raise NotificationFileError(_("The file is empty."))
    header, body = records[0], records[1:]
    columns = _header_map(header)
    _refuse_my_numbers(body, header)
    if len(body) > MAX_ROWS:
        raise NotificationFileError(
            _("The file has %(rows)d rows; import at most %(max)d at a time.")
            % {"rows": len(body), "max": MAX_ROWS}
        )
    today = timezone.localdate()
    rows: list[NotificationRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    contacts_seen: dict[str, int] = {}
    for offset, record in enumerate(body):
        line = offset + 2
        values = {key: record[i].strip() if i < len(record) else "" for key, i in columns.items()}
        row, problems = row_from_values(values, line=line, today=today)
        errors += problems
        if row is None:
            continue
        if row.record_key in seen:
            errors.append(
                RowError(
                    line,
                    _("record key %(key)s is also on line %(other)d: one row per notification.")
                    % {"key": row.record_key, "other": seen[row.record_key]},
                )
            )
            continue
        seen[row.record_key] = line
        for contact in (row.phone, row.email):
            if contact and contact in contacts_seen:
                errors.append(
                    RowError(
                        line,
                        _(
                            "%(contact)s is also on line %(other)d. If both are the same "
                            "pregnancy, keep one row."
                        )
                        % {"contact": contact, "other": contacts_seen[contact]},
                    )
                )
            elif contact:
                contacts_seen[contact] = line
        rows.append(row)
    return rows, errors
