"""The staff page for pregnancy notifications in (issue 16): a municipality administrator
uploads the export, checks it only or imports it, and sees what was done; a refused file lists
each error with its line, and nothing of it is written."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scheduling.models import PregnancyNotification
from tests.staff.helpers import StaffTestCase

from .helpers import HEADER, export, good_rows

URL = reverse("staff:notification_import")


def upload(text: str | bytes) -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile("boshi.csv", data, content_type="text/csv")


class ImportPageTest(StaffTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sign_in(self.w.admin_abe)

    def test_the_page_is_in_the_administrators_menu(self) -> None:
        response = self.client.get(reverse("staff:access_log"))
        self.assertContains(response, "妊娠届")
        self.assertContains(response, f'href="{URL}"')

    def test_an_administrator_imports_a_file_and_sees_what_was_done(self) -> None:
        rows = good_rows(3)
        rows[0]["電話番号"] = "090-1111-2222"  # hanako
        response = self.client.post(
            URL,
            HTTP_ACCEPT_LANGUAGE="en",
            data={"municipality": "katsushika", "file": upload(export(rows))},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "New notifications: 3")
        self.assertContains(response, "residents we already knew (by phone or email): 1")
        self.assertEqual(PregnancyNotification.objects.count(), 3)

    def test_check_only_writes_nothing(self) -> None:
        response = self.client.post(
            URL,
            HTTP_ACCEPT_LANGUAGE="en",
            data={
                "municipality": "katsushika",
                "file": upload(export(good_rows(2))),
                "dry_run": "on",
            },
        )
        self.assertContains(response, "nothing was imported (check only)")
        self.assertContains(response, "New notifications: 2")
        self.assertFalse(PregnancyNotification.objects.exists())

    def test_a_refused_file_lists_its_errors_by_line_and_writes_nothing(self) -> None:
        rows = good_rows(4)
        rows[1]["出産予定日"] = "2027-02-31"
        rows[3]["整理番号"] = rows[0]["整理番号"]
        response = self.client.post(
            URL,
            HTTP_ACCEPT_LANGUAGE="en",
            data={"municipality": "katsushika", "file": upload(export(rows))},
        )
        self.assertContains(response, "nothing was imported", status_code=400)
        self.assertContains(
            response,
            "Line 3: 出産予定日 (due date) 2027-02-31 is not a date (write it as YYYY-MM-DD).",
            status_code=400,
        )
        self.assertContains(
            response,
            "Line 5: record key R000001 is also on line 2: one row per notification.",
            status_code=400,
        )
        self.assertFalse(PregnancyNotification.objects.exists())

    def test_a_my_number_column_is_refused_with_a_clear_message(self) -> None:
        rows = [{**r, "マイナンバー": "123456789018"} for r in good_rows(2)]
        response = self.client.post(
            URL,
            HTTP_ACCEPT_LANGUAGE="en",
            data={
                "municipality": "katsushika",
                "file": upload(export(rows, [*HEADER, "マイナンバー"])),
            },
        )
        self.assertContains(response, "Yurikago never stores a My Number", status_code=400)
        self.assertFalse(PregnancyNotification.objects.exists())

    def test_another_municipality_cannot_be_chosen(self) -> None:
        self.client.logout()
        self.sign_in(self.w.admin_ogawa)
        response = self.client.post(
            URL,
            HTTP_ACCEPT_LANGUAGE="en",
            data={"municipality": "katsushika", "file": upload(export(good_rows(1)))},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(PregnancyNotification.objects.exists())

    def test_the_errors_are_in_japanese_for_a_japanese_browser(self) -> None:
        rows = good_rows(2)
        rows[1]["届出日"] = "2026-02-30"
        response = self.client.post(
            URL,
            HTTP_ACCEPT_LANGUAGE="ja",
            data={"municipality": "katsushika", "file": upload(export(rows))},
        )
        self.assertContains(response, "何も取り込んでいません", status_code=400)
        self.assertContains(
            response,
            "3行目：届出日「2026-02-30」は日付ではありません（YYYY-MM-DDで入力してください）。",
            status_code=400,
        )
