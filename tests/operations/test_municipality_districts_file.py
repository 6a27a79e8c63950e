"""Districts (地区担当) are part of the municipality file: each district's 町丁 and the nurses who
visit there. The file's town map wins; a town in two districts or an unknown nurse refuses the
whole file, naming the line; importing twice changes nothing; the export writes them back."""

from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from scheduling.models import District, DistrictTown, Municipality
from scheduling.municipality_files import municipality_export

from .test_municipality_files import TOWN

DISTRICTS = """\
districts:
- code: east
  name: 東地区
  towns: [東一丁目, 東二丁目]
  nurses: [nurse@minato.example]
- code: west
  name: 西地区
  towns: [西一丁目]
"""


def with_districts(text: str = DISTRICTS) -> str:
    return TOWN.replace("districts: []\n", text)


class MunicipalityDistrictsFileTest(TestCase):
    def run_import(self, text: str, *args: str) -> str:
        with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
            handle.write(text)
        self.addCleanup(Path(handle.name).unlink)
        out = StringIO()
        call_command("municipality_import", handle.name, *args, stdout=out)
        return out.getvalue()

    def town_map(self) -> dict[str, str]:
        return dict(DistrictTown.objects.values_list("town", "district__code"))

    def test_the_file_creates_districts_with_their_towns_and_nurses(self) -> None:
        self.run_import(with_districts())
        self.assertEqual(
            self.town_map(), {"東一丁目": "east", "東二丁目": "east", "西一丁目": "west"}
        )
        east = District.objects.get(code="east")
        self.assertEqual(east.name, "東地区")
        self.assertEqual([n.user.email for n in east.nurses.all()], ["nurse@minato.example"])
        self.assertFalse(District.objects.get(code="west").nurses.exists())

    def test_a_second_run_changes_nothing(self) -> None:
        self.run_import(with_districts())
        self.assertIn("nothing to change", self.run_import(with_districts()))

    def test_a_town_moves_with_the_file(self) -> None:
        self.run_import(with_districts())
        moved = DISTRICTS.replace("[東一丁目, 東二丁目]", "[東一丁目]").replace(
            "[西一丁目]", "[西一丁目, 東二丁目]"
        )
        self.run_import(with_districts(moved))
        self.assertEqual(self.town_map()["東二丁目"], "west")

    def test_a_town_in_two_districts_names_its_line_and_writes_nothing(self) -> None:
        twice = DISTRICTS.replace("[西一丁目]", "[西一丁目, 東一丁目]")
        line = with_districts(twice).splitlines().index("  towns: [西一丁目, 東一丁目]") + 1
        with self.assertRaisesMessage(CommandError, f"line {line}: town 東一丁目 is in two"):
            self.run_import(with_districts(twice))
        self.assertFalse(Municipality.objects.filter(code="minato-town").exists())
        self.assertFalse(District.objects.exists())

    def test_a_nurse_of_no_municipality_here_is_refused(self) -> None:
        stranger = DISTRICTS.replace("nurse@minato.example", "someone@elsewhere.example")
        with self.assertRaisesMessage(CommandError, "no nurse someone@elsewhere.example"):
            self.run_import(with_districts(stranger))
        self.assertFalse(District.objects.exists())

    def test_the_export_writes_the_districts_back(self) -> None:
        self.run_import(with_districts())
        exported = municipality_export(Municipality.objects.get(code="minato-town"))
        self.assertIn("towns: [東一丁目, 東二丁目]", exported)
        self.assertIn("nurses: [nurse@minato.example]", exported)
        self.assertIn("nothing to change", self.run_import(exported))
