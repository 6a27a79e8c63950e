"""One pregnancy notification record checked (issue 16): a row of the 母子保健 export or the body
of POST /api/v1/pregnancy-notifications/. The rules a record must pass, each error in plain words
(every one, not only the first), and what counts as a My Number.

Never a My Number (個人番号): Yurikago never holds one (APPI; the 番号法 limits who may). A field
or column named like one, or a value of 12 digits, is refused (see notification_export for files).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Language
from .phones import is_mobile_type

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
# A domestic number as most exports write it: 0, then 9 or 10 digits (not 00: international and
# carrier prefixes), in groups split by hyphens or spaces.
DOMESTIC = re.compile(r"0([1-9]\d{0,4})[- ]?(\d{1,4})[- ]?(\d{3,4})")
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
    domestic = DOMESTIC.fullmatch(cleaned)
    digits = "".join(domestic.groups()) if domestic is not None else ""
    if len(digits) in (9, 10):
        # What parse() makes of a domestic number (the trunk 0 dropped), without its generic
        # path: a third of an import's checking time. Same result (tests/notifications_in).
        number = phonenumbers.PhoneNumber(country_code=81, national_number=int(digits))
    else:
        try:
            number = phonenumbers.parse(cleaned, "JP")
        except phonenumbers.NumberParseException:
            raise ValueError(value) from None
    kind = phonenumbers.number_type(number)  # UNKNOWN for an invalid number: one look-up
    if kind == phonenumbers.PhoneNumberType.UNKNOWN:
        raise ValueError(value)
    mobile = is_mobile_type(kind)
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
