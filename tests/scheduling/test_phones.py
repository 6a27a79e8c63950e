"""Japanese phone numbers (scheduling.phones): reading a number as people write it, and the one
rule for "is this a mobile" (only a mobile gets SMS and signs in by code), kept in one place."""

from __future__ import annotations

import re
from pathlib import Path
from unittest import TestCase

from scheduling.phones import e164, is_mobile, is_mobile_number, national, parse_japanese_phone

ROOT = Path(__file__).resolve().parents[2]


class MobileRuleTest(TestCase):
    def test_070_080_090_and_060_are_mobiles(self) -> None:
        for number in ("+819012345678", "+818012345678", "+817012345678", "+816012345678"):
            with self.subTest(number=number):
                self.assertTrue(is_mobile(number))

    def test_landlines_free_dial_and_ip_phones_are_not(self) -> None:
        # Katsushika ward office, a 0120 free-dial number, an 050 IP phone, Osaka.
        for number in ("+81336021284", "+81120123456", "+815012345678", "+81661234567"):
            with self.subTest(number=number):
                self.assertFalse(is_mobile(number))

    def test_what_is_no_number_is_no_mobile(self) -> None:
        for text in ("", "abc", "+81", "090"):
            with self.subTest(text=text):
                self.assertFalse(is_mobile(text))

    def test_a_parsed_number_answers_the_same(self) -> None:
        number = parse_japanese_phone("090-1234-5678")
        assert number is not None
        self.assertTrue(is_mobile_number(number))
        landline = parse_japanese_phone("03-3602-1284")
        assert landline is not None
        self.assertFalse(is_mobile_number(landline))


class ReadingANumberTest(TestCase):
    def test_as_written_on_paper(self) -> None:
        for text in (
            "090-1234-5678",
            "09012345678",
            "０９０－１２３４－５６７８",
            "090ー1234ー5678",
            "(090) 1234-5678",
            "（０９０）１２３４－５６７８",
            " +81 90 1234 5678 ",
        ):
            with self.subTest(text=text):
                number = parse_japanese_phone(text)
                assert number is not None
                self.assertEqual(e164(number), "+819012345678")

    def test_not_a_japanese_number(self) -> None:
        for text in ("", "   ", "12", "090-1234", "+1 212 555 0100", "not a number"):
            with self.subTest(text=text):
                self.assertIsNone(parse_japanese_phone(text))

    def test_national_shows_her_number_as_she_knows_it(self) -> None:
        self.assertEqual(national("+819012345678"), "090-1234-5678")
        self.assertEqual(national("not a number"), "not a number")


class OneImplementationTest(TestCase):
    def test_only_phones_py_decides_what_a_mobile_is(self) -> None:
        """`grep` finds the rule once: no other module of ours compares a number's type with
        phonenumbers' MOBILE."""
        rule = re.compile(r"PhoneNumberType\.MOBILE\b")
        found = sorted(
            str(path.relative_to(ROOT))
            for app in ("scheduling", "notifications", "frontend", "api", "yurikago")
            for path in (ROOT / app).rglob("*.py")
            if "migrations" not in path.parts and rule.search(path.read_text(encoding="utf-8"))
        )
        self.assertEqual(found, ["scheduling/phones.py"])
