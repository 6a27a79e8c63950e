"""The management command (and the beat task, which runs the same round) can be repeated: a
second run offers nothing twice and expires nothing twice."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import time_machine
from django.core.management import call_command

from scheduling.services import booking_cancel
from scheduling.tasks import waitlist_offers
from scheduling.waitlist_models import WaitlistOffer
from scheduling.waitlist_services import OFFER_MINUTES
from tests.base import NOW, BaseTestCase, tokyo
from tests.waitlist.helpers import book_later_and_wait, fill_day


class WaitlistOffersCommandTest(BaseTestCase):
    def run_command(self) -> str:
        out = StringIO()
        call_command("waitlist_offers", stdout=out)
        return out.getvalue()

    def test_running_it_twice_offers_once_and_expires_once(self) -> None:
        fillers = fill_day(self.w)
        book_later_and_wait(self.w, self.w.hanako_pregnancy, tokyo(2026, 12, 10, 10))
        booking_cancel(booking=fillers[1], now=NOW)
        self.assertIn("0 offers expired, 1 offers made", self.run_command())
        self.assertIn("0 offers expired, 0 offers made", self.run_command())
        with time_machine.travel(NOW + dt.timedelta(minutes=OFFER_MINUTES), tick=False):
            self.assertEqual(waitlist_offers(), (1, 0))
            self.assertIn("0 offers expired, 0 offers made", self.run_command())
        self.assertEqual(
            list(WaitlistOffer.objects.values_list("status", flat=True)),
            [WaitlistOffer.Status.EXPIRED],
        )
