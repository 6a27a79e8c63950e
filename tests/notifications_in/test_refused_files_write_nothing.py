"""A notification export is all or nothing (issue 16): a My Number anywhere, a record key twice,
a date that is not one, garbled text (Shift_JIS mojibake) or bytes in no known encoding refuse
the whole file with errors that name the line and the reason, and nothing of it is written."""

from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command
from django.utils import translation

from scheduling.models import Pregnancy, PregnancyNotification, Resident, User
from scheduling.notification_import import notifications_import_file
from tests.base import BaseTestCase

from .helpers import HEADER, export, good_rows


class RefusedFilesTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))
        self.counts = self.table_counts()

    def table_counts(self) -> tuple[int, int, int, int]:
        return (
            User.objects.count(),
            Resident.objects.count(),
            Pregnancy.objects.count(),
            PregnancyNotification.objects.count(),
        )

    def refused(self, data: bytes) -> list[str]:
        result = notifications_import_file(municipality=self.w.katsushika, data=data)
        self.assertTrue(result.refused)
        self.assertEqual(self.table_counts(), self.counts, "nothing of a refused file is written")
        return [str(error) for error in result.errors]

    def test_a_my_number_column_refuses_the_file_by_its_header(self) -> None:
        rows = [{**r, "個人番号": ""} for r in good_rows(3)]
        errors = self.refused(export(rows, [*HEADER, "個人番号"]).encode())
        self.assertEqual(len(errors), 1)
        self.assertIn("My Number", errors[0])
        self.assertIn("個人番号", errors[0])
        self.assertIn("Nothing was imported", errors[0])

    def test_twelve_digits_in_any_column_refuse_the_file_as_a_my_number(self) -> None:
        rows = [{**r, "備考": ""} for r in good_rows(3)]
        rows[2]["備考"] = "1234 5678 9018"
        errors = self.refused(export(rows, [*HEADER, "備考"]).encode())
        self.assertEqual(len(errors), 1)
        self.assertIn("Line 4, column 備考", errors[0])
        self.assertIn("My Number", errors[0])

    def test_a_my_number_in_a_known_column_is_refused_too(self) -> None:
        rows = good_rows(2)
        rows[1]["母子健康手帳番号"] = "123456789018"
        errors = self.refused(export(rows).encode())
        self.assertIn("Line 3, column 母子健康手帳番号", errors[0])

    def test_a_record_key_twice_names_both_lines(self) -> None:
        rows = good_rows(4)
        rows[3]["整理番号"] = rows[1]["整理番号"]
        errors = self.refused(export(rows).encode())
        self.assertEqual(
            errors,
            [
                "Line 5: record key R000002 is also on line 3: one row per notification.",
            ],
        )

    def test_bad_dates_are_each_reported_with_their_line(self) -> None:
        rows = good_rows(5)
        rows[0]["届出日"] = "2026-02-30"
        rows[2]["出産予定日"] = "来月"
        rows[3]["届出日"] = "2027-01-05"  # after today (2026-12-01): not filed yet
        rows[4]["生年月日"] = "2024-01-01"
        errors = self.refused(export(rows).encode())
        self.assertEqual(
            errors,
            [
                "Line 2: 届出日 (notification date) 2026-02-30 is not a date (write it as "
                "YYYY-MM-DD).",
                "Line 4: 出産予定日 (due date) 来月 is not a date (write it as YYYY-MM-DD).",
                "Line 5: 届出日 (notification date) 2027-01-05 is in the future or before 2000.",
                "Line 6: 生年月日 (date of birth) 2024-01-01 makes her 2 at the notification.",
            ],
        )

    def test_shift_jis_mojibake_is_named_as_garbled_text(self) -> None:
        # A Shift_JIS export opened as Windows-1252 somewhere and saved again as UTF-8.
        garbled = "山田 さくら".encode("cp932").decode("cp1252", errors="replace")
        rows = good_rows(3)
        rows[1]["氏名"] = garbled
        rows[1]["フリガナ"] = "ヤマダ サクラ".encode("cp932").decode("cp1252", errors="replace")
        errors = self.refused(export(rows).encode())
        self.assertEqual(len(errors), 2)
        for error in errors:
            self.assertTrue(error.startswith("Line 3: "), error)
            self.assertIn("garbled text (mojibake)", error)
        self.assertIn("氏名 (name)", errors[0])
        self.assertIn("フリガナ (kana)", errors[1])

    def test_bytes_in_no_known_encoding_refuse_the_file(self) -> None:
        data = export(good_rows(2)).encode("cp932") + "東京".encode() + b"\xff\xfe\n"
        errors = self.refused(data)
        self.assertEqual(len(errors), 1)
        self.assertIn("neither UTF-8 nor Shift_JIS", errors[0])

    def test_a_refused_file_leaves_the_good_rows_out_too(self) -> None:
        rows = good_rows(50)
        rows[49]["電話番号"] = "12345"
        errors = self.refused(export(rows).encode())
        self.assertEqual(errors, ["Line 51: 電話番号 (phone) 12345 is not a phone number."])

    def test_the_command_names_each_error_and_exits_with_an_error(self) -> None:
        rows = good_rows(3)
        rows[0]["届出日"] = "昨日"
        rows[2]["整理番号"] = ""
        path = self.tmp_file(export(rows).encode())
        out, err = StringIO(), StringIO()
        with self.assertRaisesMessage(CommandError, "refused, 2 error(s); nothing was imported"):
            call_command(
                "notifications_import", path, "--municipality", "katsushika", stdout=out, stderr=err
            )
        self.assertEqual(
            err.getvalue().splitlines(),
            [
                "Line 2: 届出日 (notification date) 昨日 is not a date (write it as YYYY-MM-DD).",
                "Line 4: 整理番号 (record key) is empty.",
            ],
        )
        self.assertEqual(self.table_counts(), self.counts)

    def tmp_file(self, data: bytes) -> str:
        import tempfile
        from pathlib import Path

        directory = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, directory)
        path = Path(directory) / "export.csv"
        path.write_bytes(data)
        return str(path)

    def test_the_errors_read_in_japanese_too(self) -> None:
        rows = good_rows(2)
        rows[1]["整理番号"] = rows[0]["整理番号"]
        with translation.override("ja"):
            errors = self.refused(export(rows).encode())
        self.assertEqual(
            errors, ["3行目：整理番号 R000001 は2行目にもあります。1件の届出は1行にしてください。"]
        )
