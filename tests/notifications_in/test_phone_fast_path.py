"""The import's fast path for domestic phone numbers (scheduling.notification_rows.phone_e164)
gives exactly what phonenumbers.parse gives: the same E.164 number, the same mobile or not, the
same refusal, for any number written the ways exports write them."""

from __future__ import annotations

from unittest import TestCase

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduling.notification_rows import phone_e164


def by_parse(value: str) -> tuple[str, bool] | None:
    try:
        number = phonenumbers.parse(value, "JP")
    except phonenumbers.NumberParseException:
        return None
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.UNKNOWN:
        return None
    mobile = kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), mobile


def ours(value: str) -> tuple[str, bool] | None:
    try:
        return phone_e164(value)
    except ValueError:
        return None


digits = st.text(alphabet="0123456789", min_size=1, max_size=5)
written = st.builds(
    lambda a, b, c, sep: sep.join(["0" + a, b, c]),
    digits,
    digits,
    digits,
    st.sampled_from(["-", "", " "]),
)


class PhoneFastPathTest(TestCase):
    def test_known_numbers(self) -> None:
        cases = {
            "090-1234-5678": ("+819012345678", True),
            "070-1000-0001": ("+817010000001", True),
            "03-1234-5678": ("+81312345678", False),
            "0120-123-456": ("+81120123456", False),
            "090-0234-5678": None,  # no mobile number starts 090-0
            "0001-2345-678": None,
        }
        for value, expected in cases.items():
            with self.subTest(value):
                self.assertEqual(ours(value), expected)
                self.assertEqual(by_parse(value), expected)

    @settings(max_examples=3000, deadline=None)
    @given(written)
    def test_same_as_phonenumbers_parse(self, value: str) -> None:
        self.assertEqual(ours(value), by_parse(value))
