"""Run one waitlist round by hand or from cron (the beat task `scheduling.waitlist_offers` does
the same every minute): expire offers not taken in time, offer free places to those waiting.
Safe to repeat or to run beside the beat task: every row is claimed once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from scheduling.waitlist_services import waitlist_offers_round


class Command(BaseCommand):
    help = "Expire waitlist offers not taken in time and offer free places to those waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        expired, made = waitlist_offers_round()
        self.stdout.write(f"waitlist: {expired} offers expired, {made} offers made")
