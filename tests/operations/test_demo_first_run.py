"""The demo a newcomer meets with `make run`: the municipalities come from their files, and the
README's nurse has interviews today and tomorrow whatever day it is seeded."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command
from django.test import TestCase

from scheduling.models import Booking, Municipality
from scheduling.municipality_files import municipality_export
from tests.base import tokyo

from .test_municipality_files import DEMO


class DemoFirstRunTest(TestCase):
    def seed_on(self, when: dt.datetime) -> None:
        with time_machine.travel(when, tick=False):
            call_command("seed_demo", "--residents", "4", stdout=StringIO())

    def nurse1_days(self) -> set[dt.date]:
        starts = Booking.objects.filter(
            nurse__user__email="nurse1@katsushika.example", status="confirmed"
        ).values_list("start", flat=True)
        return {start.astimezone(tokyo(2026, 1, 1).tzinfo).date() for start in starts}

    def test_nurse1_has_interviews_today_and_tomorrow_on_a_weekday_afternoon(self) -> None:
        self.seed_on(tokyo(2026, 12, 2, 15, 30))  # a Wednesday, after most of the day's slots
        self.assertLessEqual({dt.date(2026, 12, 2), dt.date(2026, 12, 3)}, self.nurse1_days())

    def test_nurse1_has_interviews_on_a_weekend_too(self) -> None:
        self.seed_on(tokyo(2026, 12, 5, 9, 0))  # Saturday: she works at にこわ at weekends
        self.assertLessEqual({dt.date(2026, 12, 5), dt.date(2026, 12, 6)}, self.nurse1_days())

    def test_the_demo_municipalities_are_exactly_their_files(self) -> None:
        self.seed_on(tokyo(2026, 12, 2, 10, 0))
        for code in ("katsushika", "sakuragawa"):
            exported = municipality_export(Municipality.objects.get(code=code))
            self.assertEqual(exported, (DEMO / f"{code}.yaml").read_text(encoding="utf-8"))
