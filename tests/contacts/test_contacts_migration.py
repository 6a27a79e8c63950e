"""The contacts migration: existing bookings get their municipality's first contact, and back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

BEFORE = [("scheduling", "0005_retention_period")]
AFTER = [("scheduling", "0007_existing_bookings_get_the_first_contact")]
UTC = dt.UTC


class ContactsMigrationTests(TransactionTestCase):
    def _migrate(self, target: list[tuple[str, str]]) -> Any:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(target)
        return executor.loader.project_state(target).apps

    def tearDown(self) -> None:
        self._migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    def _a_booking_before_contacts(self) -> None:
        apps = self._migrate(BEFORE)
        muni = apps.get_model("scheduling", "Municipality").objects.create(code="k", name="葛飾区")
        itype = apps.get_model("scheduling", "InterviewType").objects.create(
            municipality=muni, code="yurikago", name="ゆりかご面接", modes=["in_person"]
        )
        apps.get_model("scheduling", "InterviewType").objects.create(
            municipality=muni, code="later", name="後の面接", modes=["video"]
        )
        site = apps.get_model("scheduling", "Site").objects.create(
            municipality=muni, code="a", name="青戸", address="青戸"
        )
        user = apps.get_model("scheduling", "User").objects.create(email="n@example.jp")
        nurse = apps.get_model("scheduling", "Nurse").objects.create(
            user=user, municipality=muni, name="佐藤"
        )
        start = dt.datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
        apps.get_model("scheduling", "Booking").objects.create(
            municipality=muni,
            site=site,
            nurse=nurse,
            interview_type=itype,
            start=start,
            end=start + dt.timedelta(minutes=30),
            blocked_until=start + dt.timedelta(minutes=30),
            status="confirmed",
        )

    def test_existing_bookings_get_the_first_interview_types_contact(self) -> None:
        self._a_booking_before_contacts()
        apps = self._migrate(AFTER)
        contacts = list(apps.get_model("scheduling", "Contact").objects.all())
        self.assertEqual(len(contacts), 1)
        contact = contacts[0]
        self.assertEqual(contact.interview_type.code, "yurikago")
        self.assertEqual((contact.kind, contact.due_basis), ("site_interview", "notification"))
        booking = apps.get_model("scheduling", "Booking").objects.get()
        self.assertEqual(booking.contact_id, contact.pk)

    def test_the_reverse_clears_them_and_removes_the_contact(self) -> None:
        self._a_booking_before_contacts()
        self._migrate(AFTER)
        apps = self._migrate([("scheduling", "0006_contacts")])
        self.assertEqual(apps.get_model("scheduling", "Contact").objects.count(), 0)
        self.assertIsNone(apps.get_model("scheduling", "Booking").objects.get().contact_id)
