"""Japanese phone numbers: reading one as people write it, and the one rule for "is this a mobile".

Only a mobile gets text messages and signs in by a code sent to it; a landline (an 03 number
from a notification file, a ward office's number) is kept to call her on. Every part that asks
(her details form, staff booking on her behalf, the messages of home visits and invitations)
asks here, so the pages, the imports and the outbox cannot disagree.
"""

from __future__ import annotations

import phonenumbers

# 070/080/090 and, from 2026, 060: phonenumbers knows them as MOBILE. It never answers
# FIXED_LINE_OR_MOBILE for a Japanese number (its metadata tells them apart); counted as a
# mobile so that a number of another country stored before numbers were checked is not cut off.
MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)

# Full-width digits and signs, and the long-vowel mark people type for a hyphen.
_AS_WRITTEN = str.maketrans("０１２３４５６７８９＋－ー（）", "0123456789+--()")


def parse_japanese_phone(value: str) -> phonenumbers.PhoneNumber | None:
    """A valid Japanese number (any type), written the way people write them, or None."""
    cleaned = value.strip().translate(_AS_WRITTEN)
    if not cleaned:
        return None
    try:
        number = phonenumbers.parse(cleaned, "JP")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 81 or not phonenumbers.is_valid_number(number):
        return None
    return number


def is_mobile_type(kind: int) -> bool:
    """The rule itself, for a caller that has the number's type already (phonenumbers'
    number_type)."""
    return kind in MOBILE_TYPES


def is_mobile_number(number: phonenumbers.PhoneNumber) -> bool:
    return is_mobile_type(phonenumbers.number_type(number))


def is_mobile(e164_number: str) -> bool:
    """Whether a stored number (E.164) is a mobile; False for anything that is no number."""
    try:
        number = phonenumbers.parse(e164_number, "JP")
    except phonenumbers.NumberParseException:
        return False
    return is_mobile_number(number)


def e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national(e164_number: str) -> str:
    """+819012345678 -> 090-1234-5678: her number as she knows it (unchanged if no number)."""
    try:
        number = phonenumbers.parse(e164_number, "JP")
    except phonenumbers.NumberParseException:
        return e164_number
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
