"""The import's PostgreSQL path (COPY, ids from the table's sequence, one UNNEST update) keeps
bulk_create's contract: the ids it returns are the rows' ids, in order, and a unique violation
is Django's IntegrityError (the API answers a record key sent twice at once with it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from scheduling.bulk_rows import insert_rows, update_rows
from scheduling.models import Pregnancy, PregnancyNotification
from tests.base import NOW, BaseTestCase, require_postgres


@pytest.mark.postgres
class CopyPathTest(BaseTestCase):
    def setUp(self) -> None:
        require_postgres()
        super().setUp()

    def test_the_ids_returned_are_the_rows_in_order(self) -> None:
        resident = self.w.hanako
        ids = insert_rows(
            Pregnancy,
            [{"resident_id": resident.pk, "handbook_number": f"H{n}"} for n in range(5)],
            now=NOW,
        )
        numbers = dict(Pregnancy.objects.filter(pk__in=ids).values_list("pk", "handbook_number"))
        self.assertEqual([numbers[pk] for pk in ids], [f"H{n}" for n in range(5)])
        made = Pregnancy.objects.get(pk=ids[0])
        # Left-out columns take the field's default, auto_now_add the `now` given.
        self.assertEqual(
            (made.is_active, made.preferred_language, made.created_at), (True, "ja", NOW)
        )
        update_rows(Pregnancy, ["notified_on"], [(ids[1], dt.date(2026, 11, 2))])
        self.assertEqual(Pregnancy.objects.get(pk=ids[1]).notified_on, dt.date(2026, 11, 2))
        self.assertIsNone(Pregnancy.objects.get(pk=ids[2]).notified_on)

    def test_a_record_key_twice_is_an_integrity_error(self) -> None:
        row = {
            "municipality_id": self.w.katsushika.pk,
            "record_key": "K1",
            "pregnancy_id": self.w.hanako_pregnancy.pk,
            "notified_on": dt.date(2026, 11, 2),
            "source": "api",
        }
        insert_rows(PregnancyNotification, [row], now=NOW)
        with self.assertRaises(IntegrityError), transaction.atomic():
            insert_rows(
                PregnancyNotification,
                [{**row, "pregnancy_id": self.w.mei_pregnancy.pk}],
                now=NOW,
            )
