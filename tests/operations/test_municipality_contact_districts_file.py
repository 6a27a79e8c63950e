"""A home visit's contact names the districts (地区担当) whose nurses do it, in the municipality
file as on the staff page: `districts: [code, …]` on the contact. An unknown district refuses
the whole file at its line; the export writes them back, and a second run changes nothing."""

from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from scheduling.models import Contact, Municipality
from scheduling.municipality_files import municipality_export

from .test_municipality_contacts_file import TOWN

VISITS = """\
- code: late-visit
  name: 妊娠後期訪問
  kind: home_visit
  due_basis: gestation_weeks
  due_from: 28
  due_until: 36
  districts: [east]
districts:
- code: east
  name: 東地区
  towns: [東一丁目]
- code: west
  name: 西地区
  towns: [西一丁目]
"""


class MunicipalityContactDistrictsFileTest(TestCase):
    def run_import(self, text: str) -> str:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
            handle.write(text)
        self.addCleanup(Path(handle.name).unlink)
        out = StringIO()
        call_command("municipality_import", handle.name, stdout=out)
        return out.getvalue()

    def test_the_file_gives_a_home_visit_its_districts(self) -> None:
        self.run_import(TOWN + VISITS)
        visit = Contact.objects.get(code="late-visit")
        self.assertEqual([d.code for d in visit.districts.all()], ["east"])
        self.assertFalse(Contact.objects.get(code="first").districts.exists())

    def test_the_file_moves_a_contact_to_other_districts(self) -> None:
        self.run_import(TOWN + VISITS)
        self.run_import(TOWN + VISITS.replace("districts: [east]", "districts: [east, west]"))
        visit = Contact.objects.get(code="late-visit")
        self.assertEqual(sorted(d.code for d in visit.districts.all()), ["east", "west"])

    def test_an_unknown_district_names_its_line_and_writes_nothing(self) -> None:
        text = TOWN + VISITS.replace("districts: [east]", "districts: [north]")
        line = text.splitlines().index("  districts: [north]") + 1
        with self.assertRaisesMessage(CommandError, f"line {line}: no district 'north'"):
            self.run_import(text)
        self.assertFalse(Municipality.objects.filter(code="minato-town").exists())

    def test_the_export_writes_them_back_and_a_second_run_changes_nothing(self) -> None:
        self.run_import(TOWN + VISITS)
        exported = municipality_export(Municipality.objects.get(code="minato-town"))
        self.assertIn("districts: [east]", exported)
        self.assertIn("nothing to change", self.run_import(exported))
