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

Writes are in bulk (a fixed number of queries per chunk of rows), so 10,000 rows import in
seconds (bench/bench_notifications_import.py).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import phonenumbers
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Language, Municipality, Pregnancy, PregnancyNotification, Resident, User

CHUNK = 2000
MAX_ROWS = 50_000

# Column names in the export (Japanese as the 母子保健 systems write them) and in the API.
COLUMNS: dict[str, tuple[str, ...]] = {
    "record_key": ("整理番号", "受付番号", "record_key"),
    "notified_on": ("届出日", "notified_on"),
    "counter": ("届出窓口", "受付窓口", "counter"),
    "name": ("氏名", "name"),
    "name_kana": ("フリガナ", "氏名カナ", "カナ氏名", "name_kana"),
    "date_of_birth": ("生年月日", "date_of_birth"),
    "phone": ("電話番号", "phone"),
    "email": ("メールアドレス", "email"),
    "address": ("住所", "address"),
    "district": ("地区", "district"),
    "due_date": ("出産予定日", "due_date"),
    "language": ("言語", "language"),
    "handbook_number": ("母子健康手帳番号", "母子手帳番号", "handbook_number"),
}
REQUIRED = ("record_key", "notified_on", "name")
MAX_LENGTHS = {
    "record_key": 64,
    "counter": 100,
    "name": 100,
    "name_kana": 100,
    "address": 200,
    "district": 100,
    "handbook_number": 30,
}
MY_NUMBER_HEADERS = ("個人番号", "マイナンバー", "mynumber", "my_number", "my number")
# \d is Unicode: full-width digits (０-９) count too.
MY_NUMBER = re.compile(r"^\s*\d{4}[ \-－\u3000]?\d{4}[ \-－\u3000]?\d{4}\s*$")
# Language as the export writes it: our codes, or the language's name in Japanese.
LANGUAGE_NAMES = {
    "日本語": Language.JA,
    "やさしい日本語": Language.JA_EASY,
    "英語": Language.EN,
    "中国語": Language.ZH,
    "韓国語": Language.KO,
    "ベトナム語": Language.VI,
    "ネパール語": Language.NE,
    "タガログ語": Language.TL,
    "ポルトガル語": Language.PT,
    "スペイン語": Language.ES,
    "インドネシア語": Language.ID,
    "タイ語": Language.TH,
}
# Characters no name or address has, but Shift_JIS text read as Latin-1/cp1252 is full of.
# Control, private-use and surrogate characters are never in a name either.
GARBLED = re.compile(
    "[\ufffd‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ¡¢£¤¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿"
    "\x00-\x1f\x7f-\x9f\ue000-\uf8ff\ud800-\udfff]"
)
LANGUAGES = frozenset(Language.values)
KANA = re.compile(r"^[\u3040-\u30ff\uff66-\uff9f\u3000 ・ー－\-]*$")


class NotificationFileError(Exception):
    """The file as a whole cannot be read (encoding, header, My Number)."""


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        if not self.line:  # the file as a whole
            return self.message
        return _("Line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class NotificationRow:
    line: int
    record_key: str
    notified_on: dt.date
    counter: str
    name: str
    name_kana: str
    date_of_birth: dt.date | None
    phone: str  # E.164, or ""
    phone_mobile: bool
    email: str  # lower case, or ""
    address: str
    district: str
    due_date: dt.date | None
    language: str
    handbook_number: str


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


# --- Reading ------------------------------------------------------------------------------------


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


def _is_my_number_header(header: str) -> bool:
    folded = unicodedata.normalize("NFKC", header).strip().lower()
    return any(name in folded for name in MY_NUMBER_HEADERS)


def my_number_header_error(name: str, column: int | None = None) -> str | None:
    """What to say when a column (or an API field) is named like a My Number; else None."""
    if not _is_my_number_header(name):
        return None
    if column is None:
        return _(
            "%(name)s is a My Number. Yurikago never stores a My Number: send the record "
            "without it."
        ) % {"name": name.strip()}
    return _(
        "Column %(column)d (%(name)s) is a My Number. Yurikago never stores a My Number: "
        "remove the column from the export and import the file again. Nothing was imported."
    ) % {"column": column, "name": name.strip()}


def looks_like_my_number(value: str) -> bool:
    return bool(MY_NUMBER.match(value))


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


# --- One record (a file's row or the API's body) ------------------------------------------------


def _date(value: str) -> dt.date:
    text = unicodedata.normalize("NFKC", value).strip().replace("/", "-").replace(".", "-")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if match is None:
        raise ValueError(value)
    year, month, day = (int(part) for part in match.groups())
    return dt.date(year, month, day)


def phone_e164(value: str) -> tuple[str, bool]:
    """A Japanese number as written (full-width digits, hyphens) → E.164, and whether it is a
    mobile (only a mobile number signs in: codes go by SMS)."""
    cleaned = unicodedata.normalize("NFKC", value).strip().replace("ー", "-")
    try:
        number = phonenumbers.parse(cleaned, "JP")
    except phonenumbers.NumberParseException:
        raise ValueError(value) from None
    kind = phonenumbers.number_type(number)  # UNKNOWN for an invalid number: one look-up
    if kind == phonenumbers.PhoneNumberType.UNKNOWN:
        raise ValueError(value)
    mobile = kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), mobile


def _language(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        return Language.JA
    if text.lower() in LANGUAGES:
        return text.lower()
    if text in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[text]
    raise ValueError(value)


def _garbled(value: str) -> bool:
    return GARBLED.search(value) is not None


# The export's column names, with the English for staff reading in English; ja drops the latter.
LABELS = {
    "record_key": gettext_lazy("整理番号 (record key)"),
    "notified_on": gettext_lazy("届出日 (notification date)"),
    "name": gettext_lazy("氏名 (name)"),
    "name_kana": gettext_lazy("フリガナ (kana)"),
    "date_of_birth": gettext_lazy("生年月日 (date of birth)"),
    "phone": gettext_lazy("電話番号 (phone)"),
    "email": gettext_lazy("メールアドレス (email)"),
    "due_date": gettext_lazy("出産予定日 (due date)"),
    "language": gettext_lazy("言語 (language)"),
}


def row_from_values(
    values: Mapping[str, str], *, line: int, today: dt.date
) -> tuple[NotificationRow | None, list[RowError]]:
    """One record checked: the row, or None and its errors (every one, not only the first)."""
    errors: list[str] = []
    stripped = {key: str(value or "").strip() for key, value in values.items()}

    def get(key: str) -> str:
        return stripped.get(key, "")

    for key in REQUIRED:
        if not get(key):
            errors.append(_("%(column)s is empty.") % {"column": LABELS[key]})
    for key, limit in MAX_LENGTHS.items():
        if len(get(key)) > limit:
            errors.append(
                _("%(column)s is longer than %(max)d characters.")
                % {"column": LABELS.get(key, key), "max": limit}
            )
    for key in ("name", "name_kana", "address", "district", "counter"):
        if _garbled(get(key)):
            errors.append(
                _(
                    "%(column)s is garbled text (mojibake): the file was saved in another "
                    "encoding on its way here. Export it again as UTF-8 or Shift_JIS."
                )
                % {"column": LABELS.get(key, key)}
            )
    if get("name_kana") and not _garbled(get("name_kana")) and not KANA.match(get("name_kana")):
        errors.append(_("フリガナ (kana) must be written in kana."))
    dates: dict[str, dt.date | None] = {}
    for key in ("notified_on", "date_of_birth", "due_date"):
        dates[key] = None
        if get(key):
            try:
                dates[key] = _date(get(key))
            except ValueError:
                errors.append(
                    _("%(column)s %(value)s is not a date (write it as YYYY-MM-DD).")
                    % {"column": LABELS[key], "value": get(key)}
                )
    errors += _date_errors(dates, today)
    phone = email = language = ""
    mobile = False
    if get("phone"):
        try:
            phone, mobile = phone_e164(get("phone"))
        except ValueError:
            errors.append(
                _("電話番号 (phone) %(value)s is not a phone number.") % {"value": get("phone")}
            )
    if get("email"):
        try:
            validate_email(get("email"))
            email = get("email").lower()
        except ValidationError:
            errors.append(
                _("メールアドレス (email) %(value)s is not an email address.")
                % {"value": get("email")}
            )
    try:
        language = _language(get("language"))
    except ValueError:
        errors.append(
            _("言語 (language) %(value)s is not a language we know.") % {"value": get("language")}
        )
    if errors:
        return None, [RowError(line, message) for message in errors]
    notified_on = dates["notified_on"]
    assert notified_on is not None
    return NotificationRow(
        line=line,
        record_key=get("record_key"),
        notified_on=notified_on,
        counter=get("counter"),
        name=get("name"),
        name_kana=get("name_kana"),
        date_of_birth=dates["date_of_birth"],
        phone=phone,
        phone_mobile=mobile,
        email=email,
        address=get("address"),
        district=get("district"),
        due_date=dates["due_date"],
        language=language,
        handbook_number=get("handbook_number"),
    ), []


def _date_errors(dates: Mapping[str, dt.date | None], today: dt.date) -> list[str]:
    errors: list[str] = []
    notified, born, due = dates["notified_on"], dates["date_of_birth"], dates["due_date"]
    if notified is not None and not dt.date(2000, 1, 1) <= notified <= today:
        errors.append(
            _("届出日 (notification date) %(date)s is in the future or before 2000.")
            % {"date": notified.isoformat()}
        )
    if notified is not None and born is not None:
        age = (notified - born).days // 365
        if not 10 <= age <= 65:
            errors.append(
                _("生年月日 (date of birth) %(date)s makes her %(age)d at the notification.")
                % {"date": born.isoformat(), "age": age}
            )
    if notified is not None and due is not None:
        if not -60 <= (due - notified).days <= 300:
            errors.append(
                _("出産予定日 (due date) %(date)s is not within 300 days of the notification.")
                % {"date": due.isoformat()}
            )
    return errors


# --- Writing ------------------------------------------------------------------------------------


def _chunks[T](items: list[T], size: int = CHUNK) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _known_keys(municipality: Municipality, keys: list[str]) -> set[str]:
    known: set[str] = set()
    for chunk in _chunks(keys):
        known.update(
            PregnancyNotification.objects.filter(
                municipality=municipality, record_key__in=chunk
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
        ours.filter(phone__in=phones),
        ours.filter(email__in=emails),
        ours.filter(user__phone__in=phones),
        ours.filter(user__email__in=emails),
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


def _taken_sign_ins(rows: list[NotificationRow]) -> set[str]:
    taken: set[str] = set()
    for chunk in _chunks(rows):
        phones = [r.phone for r in chunk if r.phone]
        emails = [r.email for r in chunk if r.email]
        for phone, email in User.objects.filter(
            Q(phone__in=phones) | Q(email__in=emails)
        ).values_list("phone", "email"):
            taken.update(v.lower() for v in (phone, email) if v)
    return taken


def _open_pregnancies(resident_ids: set[int]) -> dict[int, Pregnancy]:
    """Each resident's newest ongoing pregnancy that has no notification yet."""
    found: dict[int, Pregnancy] = {}
    query = Pregnancy.objects.filter(
        resident_id__in=resident_ids, is_active=True, notification__isnull=True
    ).order_by("resident_id", "-created_at", "-pk")
    for pregnancy in query:
        found.setdefault(pregnancy.resident_id, pregnancy)
    return found


def _new_user(row: NotificationRow, taken: set[str]) -> User:
    login_phone = row.phone if row.phone_mobile else ""
    return User(
        email=row.email if row.email and row.email not in taken else None,
        phone=login_phone if login_phone and login_phone not in taken else None,
        display_name=row.name,
        # What make_password(None) gives (unusable: she signs in by code), at a tenth the cost.
        password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
    )


def _notification(
    municipality: Municipality, row: NotificationRow, source: str, matched: bool
) -> PregnancyNotification:
    return PregnancyNotification(
        municipality=municipality,
        record_key=row.record_key,
        notified_on=row.notified_on,
        counter=row.counter,
        date_of_birth=row.date_of_birth,
        address=row.address,
        district=row.district,
        source=source,
        matched_existing=matched,
    )


def _pregnancy_for(row: NotificationRow, resident: Resident) -> Pregnancy:
    return Pregnancy(
        resident=resident,
        due_date=row.due_date,
        handbook_number=row.handbook_number,
        preferred_language=row.language,
        notified_on=row.notified_on,
    )


def _write(
    municipality: Municipality,
    rows: list[NotificationRow],
    source: str,
    result: ImportResult,
) -> list[PregnancyNotification]:
    by_contact = _residents_by_contact(municipality, rows)
    taken = _taken_sign_ins(rows)
    matched = {
        row.record_key: by_contact.get(row.phone) or by_contact.get(row.email) for row in rows
    }
    open_pregnancies = _open_pregnancies({r.pk for r in matched.values() if r is not None})
    new_rows = [row for row in rows if matched[row.record_key] is None]
    users = User.objects.bulk_create([_new_user(row, taken) for row in new_rows], batch_size=CHUNK)
    residents = Resident.objects.bulk_create(
        [
            Resident(
                user=user,
                municipality=municipality,
                name=row.name,
                name_kana=row.name_kana,
                phone=row.phone,
                email=row.email,
                preferred_language=row.language,
            )
            for row, user in zip(new_rows, users, strict=True)
        ],
        batch_size=CHUNK,
    )
    resident_of = dict(matched)
    resident_of.update({row.record_key: r for row, r in zip(new_rows, residents, strict=True)})
    to_update: list[Pregnancy] = []
    to_create: list[Pregnancy] = []
    pregnancy_of: dict[str, Pregnancy] = {}
    for row in rows:
        resident = resident_of[row.record_key]
        assert resident is not None
        existing = open_pregnancies.pop(resident.pk, None) if matched[row.record_key] else None
        if existing is not None:
            existing.notified_on = row.notified_on
            existing.due_date = existing.due_date or row.due_date
            existing.handbook_number = existing.handbook_number or row.handbook_number
            to_update.append(existing)
            pregnancy_of[row.record_key] = existing
        else:
            pregnancy = _pregnancy_for(row, resident)
            to_create.append(pregnancy)
            pregnancy_of[row.record_key] = pregnancy
    Pregnancy.objects.bulk_update(
        to_update, ["notified_on", "due_date", "handbook_number"], batch_size=CHUNK
    )
    Pregnancy.objects.bulk_create(to_create, batch_size=CHUNK)
    notifications = []
    for row in rows:
        notification = _notification(municipality, row, source, matched[row.record_key] is not None)
        notification.pregnancy = pregnancy_of[row.record_key]
        notifications.append(notification)
    created = PregnancyNotification.objects.bulk_create(notifications, batch_size=CHUNK)
    result.created += len(created)
    result.matched += sum(1 for r in rows if matched[r.record_key] is not None)
    return created


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
    with transaction.atomic():
        known = _known_keys(municipality, [row.record_key for row in rows])
        new = [row for row in rows if row.record_key not in known]
        result.already = len(rows) - len(new)
        if dry_run:
            result.created = len(new)
            matches = _match_only(municipality, new)
            result.matched = sum(1 for resident in matches.values() if resident is not None)
            return result
        for chunk in _chunks(new):
            _write(municipality, chunk, source, result)
            if progress:
                progress(
                    _("%(done)d of %(total)d written") % {"done": result.created, "total": len(new)}
                )
    return result


def _match_only(
    municipality: Municipality, rows: list[NotificationRow]
) -> dict[str, Resident | None]:
    matches: dict[str, Resident | None] = {}
    for chunk in _chunks(rows):
        by_contact = _residents_by_contact(municipality, chunk)
        matches.update(
            {
                row.record_key: by_contact.get(row.phone) or by_contact.get(row.email)
                for row in chunk
            }
        )
    return matches


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
