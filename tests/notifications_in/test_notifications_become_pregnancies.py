"""Each notification in a good export becomes a pregnancy in state "notified" (issue 16): her
ongoing pregnancy when she is already a resident (matched by phone or email, in this
municipality only), else a new resident and pregnancy. Idempotent on the record key; UTF-8 and
Shift_JIS both read; a dry run writes nothing; the command reports its progress."""

from __future__ import annotations

import datetime as dt
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from scheduling.models import Pregnancy, PregnancyNotification, Resident, User
from scheduling.notification_import import notifications_import_file
from tests.base import BaseTestCase

from .helpers import export, good_rows, row


class NotificationImportTest(BaseTestCase):
    def import_(self, text: str, **kwargs: object) -> object:
        result = notifications_import_file(
            municipality=self.w.katsushika, data=text.encode(), **kwargs
        )
        self.assertFalse(result.refused, result.errors)
        return result

    def test_a_new_woman_becomes_a_resident_with_a_notified_pregnancy(self) -> None:
        self.import_(
            export(
                [
                    row(
                        "R1",
                        電話番号="080-5555-6666",
                        メールアドレス="Sakura@Example.jp",
                        言語="ベトナム語",
                    )
                ]
            )
        )
        notification = PregnancyNotification.objects.select_related(
            "pregnancy__resident__user"
        ).get(record_key="R1")
        pregnancy = notification.pregnancy
        resident = pregnancy.resident
        self.assertEqual(notification.municipality, self.w.katsushika)
        self.assertEqual(notification.notified_on, dt.date(2026, 11, 20))
        self.assertEqual(notification.counter, "亀有区民事務所")
        self.assertEqual(notification.district, "亀有")
        self.assertEqual(notification.date_of_birth, dt.date(1995, 4, 1))
        self.assertFalse(notification.matched_existing)
        self.assertEqual(pregnancy.notified_on, dt.date(2026, 11, 20))
        self.assertEqual(pregnancy.due_date, dt.date(2027, 6, 10))
        self.assertEqual(pregnancy.handbook_number, "K-R1")
        self.assertEqual(pregnancy.preferred_language, "vi")
        self.assertFalse(pregnancy.bookings.exists())
        self.assertEqual(
            (resident.name, resident.name_kana, resident.phone, resident.email),
            ("山田 さくら", "ヤマダ サクラ", "+818055556666", "sakura@example.jp"),
        )
        self.assertEqual(resident.municipality, self.w.katsushika)
        self.assertEqual(
            (resident.user.phone, resident.user.email), ("+818055556666", "sakura@example.jp")
        )
        self.assertFalse(resident.user.has_usable_password())

    def test_she_is_matched_by_phone_and_her_ongoing_pregnancy_is_notified(self) -> None:
        residents = Resident.objects.count()
        self.import_(export([row("R1", 電話番号="090-1111-2222")]))
        notification = PregnancyNotification.objects.get(record_key="R1")
        self.assertEqual(notification.pregnancy_id, self.w.hanako_pregnancy.pk)
        self.assertTrue(notification.matched_existing)
        self.w.hanako_pregnancy.refresh_from_db()
        self.assertEqual(self.w.hanako_pregnancy.notified_on, dt.date(2026, 11, 20))
        self.assertEqual(self.w.hanako_pregnancy.due_date, dt.date(2027, 6, 1), "hers is kept")
        self.assertEqual(Resident.objects.count(), residents)

    def test_she_is_matched_by_email_whatever_its_case(self) -> None:
        self.import_(export([row("R1", メールアドレス="MEI@example.jp")]))
        self.assertEqual(
            PregnancyNotification.objects.get(record_key="R1").pregnancy_id,
            self.w.mei_pregnancy.pk,
        )

    def test_a_second_notification_for_her_is_a_new_pregnancy(self) -> None:
        self.import_(export([row("R1", 電話番号="090-1111-2222")]))
        self.import_(export([row("R2", 電話番号="090-1111-2222", 届出日="2026-11-30")]))
        second = PregnancyNotification.objects.get(record_key="R2").pregnancy
        self.assertNotEqual(second.pk, self.w.hanako_pregnancy.pk)
        self.assertEqual(second.resident_id, self.w.hanako.pk)

    def test_a_resident_of_another_municipality_is_not_matched_nor_her_sign_in_taken(self) -> None:
        self.import_(export([row("R1", 電話番号="090-1111-2222")]))
        text = export([row("S1", 電話番号="090-1111-2222", メールアドレス="hanako@example.jp")])
        result = notifications_import_file(municipality=self.w.sakuragawa, data=text.encode())
        self.assertFalse(result.refused, result.errors)
        resident = PregnancyNotification.objects.get(record_key="S1").pregnancy.resident
        self.assertNotEqual(resident.pk, self.w.hanako.pk)
        self.assertEqual(resident.municipality, self.w.sakuragawa)
        self.assertEqual(resident.phone, "+819011112222")
        self.assertEqual((resident.user.phone, resident.user.email), (None, None))

    def test_importing_the_same_file_again_writes_nothing(self) -> None:
        text = export(good_rows(20))
        first = self.import_(text)
        counts = (User.objects.count(), Pregnancy.objects.count())
        again = self.import_(text)
        self.assertEqual((first.created, first.already), (20, 0))  # type: ignore[attr-defined]
        self.assertEqual((again.created, again.already), (0, 20))  # type: ignore[attr-defined]
        self.assertEqual((User.objects.count(), Pregnancy.objects.count()), counts)

    def test_a_shift_jis_export_reads_as_its_utf8_twin(self) -> None:
        result = notifications_import_file(
            municipality=self.w.katsushika, data=export(good_rows(3)).encode("cp932")
        )
        self.assertFalse(result.refused, result.errors)
        self.assertEqual(
            set(Resident.objects.filter(email__startswith="woman").values_list("name", flat=True)),
            {"山田 さくら"},
        )

    def test_a_utf8_export_with_a_byte_order_mark_reads(self) -> None:
        result = notifications_import_file(
            municipality=self.w.katsushika, data=b"\xef\xbb\xbf" + export(good_rows(2)).encode()
        )
        self.assertFalse(result.refused, result.errors)
        self.assertEqual(result.created, 2)

    def test_a_dry_run_counts_and_writes_nothing(self) -> None:
        rows = [*good_rows(4), row("R9", 電話番号="090-1111-2222")]
        before = PregnancyNotification.objects.count()
        result = self.import_(export(rows), dry_run=True)
        self.assertEqual((result.created, result.matched), (5, 1))  # type: ignore[attr-defined]
        self.assertEqual(PregnancyNotification.objects.count(), before)

    def test_ten_thousand_rows_import(self) -> None:
        result = self.import_(export(good_rows(10_000)))
        self.assertEqual(result.created, 10_000)  # type: ignore[attr-defined]
        self.assertEqual(
            Pregnancy.objects.filter(notification__municipality=self.w.katsushika).count(), 10_000
        )
        self.assertEqual(User.objects.filter(email__startswith="woman").count(), 10_000)

    def test_the_command_reports_its_progress(self) -> None:
        directory = tempfile.mkdtemp()
        path = Path(directory) / "export.csv"
        path.write_bytes(export(good_rows(3)).encode())
        out = StringIO()
        call_command("notifications_import", str(path), "--municipality", "katsushika", stdout=out)
        self.assertEqual(
            out.getvalue().splitlines()[1:],
            [
                "3 rows read, 0 errors",
                "3 of 3 written",
                "3 new, of which 0 matched a resident; 0 imported before (left as they were)",
            ],
        )
        out = StringIO()
        call_command(
            "notifications_import",
            str(path),
            "--municipality",
            "katsushika",
            "--dry-run",
            stdout=out,
        )
        self.assertIn("0 new, of which 0 matched a resident; 3 imported before", out.getvalue())
        self.assertIn("dry run: nothing was written", out.getvalue())
