"""Contacts are configuration: the municipality file's `contacts` section (and a nurse's remote
hours) create them; the demo's Katsushika and 桜川町 configure different programmes; a contact
that would be booked must name its interview type, and errors name their line."""

from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from scheduling.models import AvailabilityRule, Contact

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
  open_weekdays: [0, 1, 2, 3, 4]
interview_types:
- code: first
  name: はじめまして面談
  modes: [in_person]
contacts:
- code: first
  name: はじめまして面談
  name_translations: {en: First interview, vi: Buổi gặp đầu tiên}
  kind: site_interview
  due_basis: notification
  interview_type: first
  sites: [hall]
- code: video-8m
  name: 8か月のビデオ面談
  kind: remote_interview
  due_basis: gestation_weeks
  due_from: 28
  due_until: 32
  interview_type: first
"""


class MunicipalityContactsFileTest(TestCase):
    def run_import(self, text: str) -> str:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
            handle.write(text)
        self.addCleanup(Path(handle.name).unlink)
        out = StringIO()
        call_command("municipality_import", handle.name, stdout=out)
        return out.getvalue()

    def test_the_file_creates_the_contacts_with_their_type_sites_and_translations(self) -> None:
        self.run_import(TOWN)
        first, video = Contact.objects.order_by("code")
        self.assertEqual(first.interview_type.code if first.interview_type else None, "first")
        self.assertEqual([s.code for s in first.sites.all()], ["hall"])
        self.assertEqual(
            (first.name_in("vi"), first.name_in("ko")), ("Buổi gặp đầu tiên", "はじめまして面談")
        )
        self.assertEqual(
            (video.due_from, video.due_until, video.kind), (28, 32, "remote_interview")
        )
        self.assertIn("nothing to change", self.run_import(TOWN))

    def test_an_interview_to_be_booked_without_an_interview_type_names_its_line(self) -> None:
        broken = TOWN.replace("  interview_type: first\n", "", 1)
        with self.assertRaisesMessage(CommandError, "line 16: contact first: an interview"):
            self.run_import(broken)
        self.assertFalse(Contact.objects.exists())

    def test_an_unknown_interview_type_names_its_line(self) -> None:
        broken = TOWN.replace("  interview_type: first\n", "  interview_type: second\n", 1)
        with self.assertRaisesMessage(CommandError, "line 21: no interview type 'second'"):
            self.run_import(broken)

    def test_a_window_that_ends_before_it_starts_is_refused(self) -> None:
        with self.assertRaisesMessage(CommandError, "line 28: contact video-8m: due_until"):
            self.run_import(TOWN.replace("due_until: 32", "due_until: 20"))

    def test_katsushika_and_sakuragawa_configure_different_programmes(self) -> None:
        for name in ("katsushika", "sakuragawa"):
            call_command("municipality_import", str(DEMO / f"{name}.yaml"), stdout=StringIO())
        programme = {
            code: [
                (c.code, c.kind, c.due_basis, c.due_from, c.due_until, c.optional)
                for c in Contact.objects.filter(municipality__code=code)
            ]
            for code in ("katsushika", "sakuragawa")
        }
        self.assertEqual(
            programme["katsushika"],
            [
                ("yurikago", "site_interview", "notification", None, None, False),
                ("questionnaire-8m", "questionnaire", "gestation_weeks", 28, 31, False),
                ("late-visit", "home_visit", "gestation_weeks", 28, 36, True),
                ("baby-visit", "home_visit", "days_after_birth", 0, 119, False),
            ],
        )
        self.assertEqual(
            programme["sakuragawa"],
            [
                ("first-interview", "site_interview", "notification", None, None, False),
                ("interview-8m", "remote_interview", "gestation_weeks", 28, 32, False),
                ("baby-visit", "home_visit", "days_after_birth", 0, 89, False),
            ],
        )
        remote = AvailabilityRule.objects.filter(
            nurse__municipality__code="sakuragawa", remote=True
        )
        self.assertEqual(sorted(remote.values_list("weekday", flat=True)), [0, 1, 2, 3, 4])
