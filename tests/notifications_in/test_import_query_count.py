"""The import is a fixed number of queries whatever the file's size (no query per row): a file
of 30 rows and one of 1,900 take the same number, matched residents included. On SQLite
(bulk_create, whose batches of 2,000 rows add queries past that) and on PostgreSQL (COPY, one
UNNEST update) alike."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.models import Pregnancy, PregnancyNotification, Resident, User
from scheduling.notification_import import notifications_import_file
from tests.base import BaseTestCase

from .helpers import export, good_rows


class ImportQueryCountTest(BaseTestCase):
    def existing(self, rows: list[dict[str, str]]) -> None:
        """Every tenth woman has booked before: a resident with an ongoing pregnancy."""
        for row in rows[::10]:
            user = User.objects.create_user(phone=None, email=None, display_name="既存")
            phone = "+81" + row["電話番号"].replace("-", "")[1:]
            resident = Resident.objects.create(
                user=user, municipality=self.w.katsushika, name="既存", phone=phone
            )
            Pregnancy.objects.create(resident=resident, handbook_number="KEEP")

    def queries(self, rows: list[dict[str, str]]) -> int:
        self.existing(rows)
        data = export(rows).encode()
        with CaptureQueriesContext(connection) as captured:
            result = notifications_import_file(municipality=self.w.katsushika, data=data)
        self.assertFalse(result.refused, result.errors[:3])
        self.assertEqual((result.created, result.matched), (len(rows), len(rows) // 10))
        return len(captured)

    def test_thirty_rows_and_nineteen_hundred_take_the_same_number_of_queries(self) -> None:
        small = self.queries(good_rows(30))
        large = self.queries(good_rows(1900, start=100))
        self.assertEqual(small, large)
        # Her pregnancy known before keeps its handbook number and is the notified one.
        matched = Pregnancy.objects.filter(handbook_number="KEEP")
        self.assertEqual(matched.count(), 193)
        self.assertEqual(matched.filter(notified_on__isnull=False).count(), 193)
        self.assertEqual(PregnancyNotification.objects.filter(matched_existing=True).count(), 193)
