"""Onboarding a municipality by file: `municipality_import` creates or updates it with its sites,
closures, interview types, nurses and hours, staff roles and message texts; `--dry-run` shows
what would change; a second run changes nothing; a file with an error names its line and writes
nothing; `municipality_export` writes the same format back (the demo's files round-trip)."""

from __future__ import annotations

import datetime as dt
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from notifications.models import MessageText
from scheduling.models import (
    AvailabilityRule,
    InterviewType,
    Municipality,
    Nurse,
    Site,
    SiteClosure,
    StaffRole,
)
from scheduling.municipality_files import municipality_export

DEMO = Path(__file__).resolve().parents[2] / "scheduling" / "demo_municipalities"

TOWN = """\
format: 1
municipality:
  code: minato-town
  name: みなと町
  branding_name: はじめまして面談
sites:
- code: hall
  name: みなと町役場
  address: みなと町1-1
  rooms: 2
  open_weekdays: [0, 1, 2, 3, 4]
  modes: [in_person]
closures:
- site: hall
  from: 2027-01-12
  until: 2027-01-13
  reason: 選挙
interview_types:
- code: first
  name: はじめまして面談
  duration_minutes: 20
  slot_step_minutes: 20
  modes: [in_person]
  reminder_hours_before: [48]
  contacts: []
nurses:
- email: nurse@minato.example
  name: 港 ひろみ
  languages: [ja, en]
  sites: [hall]
  hours:
  - site: hall
    weekdays: [0, 2, 4]
    from: '09:00'
    until: '12:00'
    valid_from: 2026-01-01
staff:
- email: admin@minato.example
  name: みなと町 管理者
  role: municipality_admin
message_texts:
- channel: sms
  purpose: confirmation
  language: ja
  body: "{{ municipality }}です。{{ when }}の予約を承りました。番号 {{ reference }}"
districts: []
"""


class MunicipalityImportTest(TestCase):
    def run_import(self, text: str, *args: str) -> str:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
            handle.write(text)
        self.addCleanup(Path(handle.name).unlink)
        out = StringIO()
        call_command("municipality_import", handle.name, *args, stdout=out)
        return out.getvalue()

    def test_it_creates_the_municipality_with_everything_in_the_file(self) -> None:
        output = self.run_import(TOWN)
        town = Municipality.objects.get(code="minato-town")
        site = Site.objects.get(municipality=town, code="hall")
        self.assertEqual((site.rooms, site.open_weekdays), (2, [0, 1, 2, 3, 4]))
        closure = SiteClosure.objects.get(site=site)
        self.assertEqual((closure.date_from, closure.reason), (dt.date(2027, 1, 12), "選挙"))
        self.assertEqual(InterviewType.objects.get(municipality=town).duration_minutes, 20)
        nurse = Nurse.objects.get(user__email="nurse@minato.example")
        self.assertEqual(list(nurse.sites.all()), [site])
        rules = AvailabilityRule.objects.filter(nurse=nurse).order_by("weekday")
        self.assertEqual([r.weekday for r in rules], [0, 2, 4])
        self.assertEqual((rules[0].start_time, rules[0].end_time), (dt.time(9), dt.time(12)))
        self.assertFalse(nurse.user.has_usable_password())
        self.assertTrue(
            StaffRole.objects.filter(municipality=town, role="municipality_admin").exists()
        )
        self.assertEqual(MessageText.objects.get(municipality=town).channel, "sms")
        self.assertIn("site: 1 created", output)
        self.assertIn("nurse: 1 created", output)

    def test_a_second_run_changes_nothing(self) -> None:
        self.run_import(TOWN)
        output = self.run_import(TOWN)
        self.assertIn("nothing to change", output)
        self.assertIn("site: 0 created, 0 updated, 1 unchanged", output)
        self.assertEqual(AvailabilityRule.objects.count(), 3)

    def test_an_update_changes_what_changed_and_the_nurses_hours_follow_the_file(self) -> None:
        self.run_import(TOWN)
        changed = TOWN.replace("rooms: 2", "rooms: 3").replace("[0, 2, 4]", "[1, 3]")
        output = self.run_import(changed)
        self.assertIn("updated site hall: rooms 2 → 3", output)
        self.assertEqual(Site.objects.get(code="hall").rooms, 3)
        rules = AvailabilityRule.objects.order_by("weekday")
        self.assertEqual([r.weekday for r in rules], [1, 3])

    def test_the_dry_run_shows_the_changes_and_writes_nothing(self) -> None:
        output = self.run_import(TOWN, "--dry-run")
        self.assertIn("created site hall", output)
        self.assertIn("dry run: nothing was written", output)
        self.assertFalse(Municipality.objects.filter(code="minato-town").exists())

    def test_an_error_names_its_line_and_writes_nothing(self) -> None:
        broken = TOWN.replace("until: '12:00'", "until: 'noon'")
        with self.assertRaisesMessage(CommandError, "line 35: until: 'noon' is not a time"):
            self.run_import(broken)
        self.assertFalse(Municipality.objects.filter(code="minato-town").exists())
        self.assertFalse(Site.objects.filter(code="hall").exists())

    def test_a_value_the_model_refuses_names_its_line(self) -> None:
        broken = TOWN.replace("rooms: 2", "rooms: -1")
        with self.assertRaisesMessage(CommandError, "line 10: site hall: rooms"):
            self.run_import(broken)
        self.assertFalse(Municipality.objects.exists())

    def test_an_unknown_site_names_its_line(self) -> None:
        broken = TOWN.replace("  sites: [hall]", "  sites: [harbour]")
        with self.assertRaisesMessage(CommandError, "line 30: no site 'harbour'"):
            self.run_import(broken)

    def test_a_yaml_syntax_error_names_its_line(self) -> None:
        broken = TOWN.replace("  rooms: 2\n", "  rooms: [2\n")
        with self.assertRaisesMessage(CommandError, "line 2: mapping values are not allowed"):
            self.run_import(broken.replace("format: 1", "format: 1\n  bad indent: x"))

    def test_a_district_without_its_code_names_its_line(self) -> None:
        with self.assertRaisesMessage(CommandError, "district: `code` is required"):
            self.run_import(TOWN.replace("districts: []", "districts: [{name: 東}]"))


class MunicipalityExportTest(TestCase):
    def test_an_export_imports_back_without_a_change(self) -> None:
        call_command("municipality_import", str(DEMO / "sakuragawa.yaml"), stdout=StringIO())
        exported = municipality_export(Municipality.objects.get(code="sakuragawa"))
        out = StringIO()
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
            handle.write(exported)
        self.addCleanup(Path(handle.name).unlink)
        call_command("municipality_import", handle.name, stdout=out)
        self.assertIn("nothing to change", out.getvalue())

    def test_the_demo_files_round_trip_exactly(self) -> None:
        for name in ("katsushika", "sakuragawa"):
            with self.subTest(name):
                text = (DEMO / f"{name}.yaml").read_text(encoding="utf-8")
                call_command("municipality_import", str(DEMO / f"{name}.yaml"), stdout=StringIO())
                out = StringIO()
                call_command("municipality_export", name, stdout=out)
                self.assertEqual(out.getvalue(), text)
