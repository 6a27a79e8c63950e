"""Retention (issue 17) covers what the notifications import adds (issue 16): when a resident is
purged, her notification loses her date of birth and address. What the coverage figures count
stays: the notification date, the counter and the district (an area, not a person), and the
record key, so an old export imported again does not bring her back."""

from __future__ import annotations

import datetime as dt

import time_machine

from scheduling.models import Pregnancy, PregnancyNotification, Resident
from scheduling.notification_import import notifications_import_file
from scheduling.retention import retention_purge
from tests.base import NOW, BaseTestCase

from .helpers import export, row

LATER = NOW + dt.timedelta(days=400)


class RetentionCoversNotificationsTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.w.katsushika.retention_days = 365
        self.w.katsushika.save()
        self.data = export([row("R1", 電話番号="080-5555-6666", メールアドレス="s@example.jp")])
        result = notifications_import_file(municipality=self.w.katsushika, data=self.data.encode())
        self.assertFalse(result.refused, result.errors)
        self.notification = PregnancyNotification.objects.get(record_key="R1")

    def test_her_date_of_birth_and_address_are_removed(self) -> None:
        with time_machine.travel(LATER, tick=False):
            retention_purge(municipality=self.w.katsushika)
        self.notification.refresh_from_db()
        self.assertIsNone(self.notification.date_of_birth)
        self.assertEqual(self.notification.address, "")
        resident = Resident.objects.get(pk=self.notification.pregnancy.resident_id)
        self.assertIsNotNone(resident.anonymised_at)
        self.assertEqual((resident.name, resident.phone), ("", ""))

    def test_what_the_figures_count_stays(self) -> None:
        with time_machine.travel(LATER, tick=False):
            retention_purge(municipality=self.w.katsushika)
        self.notification.refresh_from_db()
        self.assertEqual(
            (
                self.notification.notified_on,
                self.notification.district,
                self.notification.counter,
                self.notification.record_key,
            ),
            (dt.date(2026, 11, 20), "亀有", "亀有区民事務所", "R1"),
        )

    def test_an_old_export_imported_again_does_not_bring_her_back(self) -> None:
        with time_machine.travel(LATER, tick=False):
            retention_purge(municipality=self.w.katsushika)
            pregnancies = Pregnancy.objects.count()
            result = notifications_import_file(
                municipality=self.w.katsushika, data=self.data.encode()
            )
        self.assertEqual((result.created, result.already), (0, 1))
        self.assertEqual(Pregnancy.objects.count(), pregnancies)

    def test_call_back_notes_are_emptied_and_the_attempts_stay(self) -> None:
        from scheduling.followup_models import FollowUpAttempt
        from scheduling.followup_services import follow_up_attempt_record

        follow_up_attempt_record(
            pregnancy=self.notification.pregnancy,
            how="phone",
            outcome="will_book",
            note="夫が電話に出た。本人は入院中",
            by=self.w.nurse_sato.user,
        )
        with time_machine.travel(LATER, tick=False):
            retention_purge(municipality=self.w.katsushika)
        attempt = FollowUpAttempt.objects.get()
        self.assertEqual((attempt.note, attempt.outcome), ("", "will_book"))
