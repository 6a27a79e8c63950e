"""deploy/backup.sh and deploy/restore.sh: a dump restores into a fresh database with its
bookings, its messages and the invariants the database enforces (PostgreSQL only)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test import TransactionTestCase

from notifications.models import Message
from scheduling.models import Booking
from scheduling.services import booking_create
from tests.base import NOW, make_world, require_postgres, tokyo

from .helpers import DEPLOY, postgres_url, psql

pytestmark = pytest.mark.postgres

OVERLAPS_SQL = """
    SELECT count(*) FROM scheduling_booking a JOIN scheduling_booking b
      ON a.id < b.id AND a.nurse_id = b.nurse_id
     AND tstzrange(a.start, a.blocked_until) && tstzrange(b.start, b.blocked_until)
     WHERE a.status IN ('held', 'confirmed') AND b.status IN ('held', 'confirmed')
"""


# A second confirmed booking at the same nurse's same time: what the constraints exist to refuse.
COPY_AS_CONFIRMED = """
    INSERT INTO scheduling_booking (reference, municipality_id, site_id, nurse_id,
        interview_type_id, mode, start, "end", blocked_until, status, channel, hold_owner,
        notify_sms, notify_email, language, sequence, video_url, staff_notes, cancel_reason,
        calendar_conflict, created_at, updated_at)
    SELECT 'OVERLAP1', municipality_id, site_id, nurse_id, interview_type_id, mode, start, "end",
        blocked_until, 'confirmed', channel, '', notify_sms, notify_email, language, 0, '', '', '',
        false, now(), now()
    FROM scheduling_booking WHERE id = :id
"""


class BackupRestoreTest(TransactionTestCase):
    def setUp(self) -> None:
        require_postgres()
        traveller = time_machine.travel(NOW, tick=False)
        traveller.start()
        self.addCleanup(traveller.stop)
        w = make_world()
        self.bookings = [
            booking_create(
                site=w.aoto,
                interview_type=w.itype,
                start=tokyo(2026, 12, 3, 10),
                pregnancy=pregnancy,
                notify_email=True,
            )
            for pregnancy in (w.hanako_pregnancy, w.mei_pregnancy)
        ]
        self.source = postgres_url(connection.settings_dict)
        self.target_name = f"{connection.settings_dict['NAME']}_restored"
        self.target = postgres_url(connection.settings_dict, self.target_name)
        self.server = postgres_url(connection.settings_dict, "postgres")
        psql(self.server, f'DROP DATABASE IF EXISTS "{self.target_name}"')
        psql(self.server, f'CREATE DATABASE "{self.target_name}"')
        self.addCleanup(psql, self.server, f'DROP DATABASE IF EXISTS "{self.target_name}"')
        self.backups = Path(tempfile.mkdtemp(prefix="yurikago-backups-"))
        self.addCleanup(shutil.rmtree, self.backups, True)

    def run_script(self, *args: str) -> str:
        done = subprocess.run(
            [str(DEPLOY / args[0]), *args[1:]],
            env={**os.environ, "DATABASE_URL": self.source},
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        return done.stdout.strip()

    def backup_and_restore(self) -> Path:
        dump = Path(self.run_script("backup.sh", str(self.backups)))
        self.assertTrue(dump.is_file())
        self.assertTrue(Path(f"{dump}.sha256").is_file())
        self.assertEqual(dump.read_bytes()[:5], b"PGDMP")  # the custom format's magic
        self.run_script("restore.sh", str(dump), self.target)
        return dump

    def test_bookings_and_messages_survive_a_dump_and_restore(self) -> None:
        self.backup_and_restore()
        references = sorted(b.reference for b in self.bookings)
        restored = psql(
            self.target,
            "SELECT string_agg(reference, ',' ORDER BY reference) "
            "FROM scheduling_booking WHERE status = 'confirmed'",
        )
        self.assertEqual(restored.split(","), references)
        messages = Message.objects.filter(booking__in=self.bookings).count()
        self.assertGreater(messages, 0)
        self.assertEqual(
            int(psql(self.target, "SELECT count(*) FROM notifications_message")), messages
        )
        self.assertEqual(int(psql(self.target, OVERLAPS_SQL)), 0)

    def test_the_exclusion_constraints_are_restored_and_still_refuse_an_overlap(self) -> None:
        self.backup_and_restore()
        constraints = psql(
            self.target,
            "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint "
            "WHERE contype = 'x' AND conrelid = 'scheduling_booking'::regclass",
        )
        self.assertEqual(constraints, "no_nurse_double_booking,no_room_double_booking")
        booking = self.bookings[0]
        copy_overlapping = COPY_AS_CONFIRMED.replace(":id", str(int(booking.pk)))
        with self.assertRaises(subprocess.CalledProcessError) as refused:
            psql(self.target, copy_overlapping)
        self.assertIn("no_nurse_double_booking", refused.exception.stderr)

    def test_restore_refuses_a_database_that_is_not_empty(self) -> None:
        dump = self.backup_and_restore()
        done = subprocess.run(
            [str(DEPLOY / "restore.sh"), str(dump), self.target],
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("restore into an empty one", done.stderr)
        self.assertEqual(
            int(psql(self.target, "SELECT count(*) FROM scheduling_booking")),
            Booking.objects.count(),
        )
