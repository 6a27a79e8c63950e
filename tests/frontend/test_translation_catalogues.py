"""Compiled catalogues match their sources, and every resident string is translated in every
shipped language (English is the source language)."""

from __future__ import annotations

import gettext

from django.conf import settings
from django.test import SimpleTestCase
from django.utils.translation import to_locale

from tests.frontend.helpers import SHIPPED, po_path, read_po


class CataloguesTest(SimpleTestCase):
    def test_every_language_in_settings_has_a_catalogue(self) -> None:
        for code, _name in settings.LANGUAGES:
            self.assertEqual(to_locale(code), SHIPPED[code])
            self.assertTrue(po_path(code).exists(), code)

    def test_each_compiled_catalogue_matches_its_source(self) -> None:
        for code in SHIPPED:
            path = po_path(code)
            with open(path.with_suffix(".mo"), "rb") as handle:
                compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
            expected = {}
            for entry in read_po(path):
                if not entry.msgid or not entry.translated:
                    continue
                key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
                if entry.msgid_plural is None:
                    expected[key] = entry.msgstr[0]
                else:
                    for index, text in entry.msgstr.items():
                        expected[(key, index)] = text
            compiled = {k: v for k, v in compiled.items() if k != ""}
            self.assertEqual(
                compiled, expected, f"{path.with_suffix('.mo')} is stale: run compilemessages"
            )

    def test_every_resident_string_is_translated_in_every_resident_language(self) -> None:
        for code in SHIPPED:
            if code == "en":
                continue
            missing = [
                e.msgid
                for e in read_po(po_path(code))
                if e.msgid and e.is_resident_facing and not e.translated
            ]
            self.assertEqual(missing, [], f"untranslated in {code}")

    def test_japanese_covers_everything_including_staff_and_admin(self) -> None:
        missing = [e.msgid for e in read_po(po_path("ja")) if e.msgid and not e.translated]
        self.assertEqual(missing, [])

    def test_placeholders_survive_translation(self) -> None:
        import re

        pattern = re.compile(r"%\(\w+\)[sd]")
        for code in SHIPPED:
            for entry in read_po(po_path(code)):
                for text in entry.msgstr.values():
                    if text:
                        self.assertEqual(
                            set(pattern.findall(text)),
                            set(pattern.findall(entry.msgid)),
                            f"{code}: {entry.msgid}",
                        )
