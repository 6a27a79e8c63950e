"""Apply each municipality's retention period (APPI); see scheduling/retention.py."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from scheduling.models import Municipality
from scheduling.retention import retention_counts, retention_purge


class Command(BaseCommand):
    help = (
        "Anonymise residents whose last contact is older than their municipality's retention "
        "period, with their pregnancies, bookings and messages; delete the access-log rows "
        "about them. Report figures stay the same. Run it daily (e.g. a systemd timer)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")
        parser.add_argument("--municipality", help="only this municipality (its code)")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        municipalities = Municipality.objects.order_by("code")
        if options["municipality"]:
            municipalities = municipalities.filter(code=options["municipality"])
        for municipality in municipalities:
            if municipality.retention_days is None:
                self.stdout.write(f"{municipality.code}: no retention period set, nothing due")
                continue
            if options["dry_run"]:
                counts = retention_counts(municipality=municipality, now=now)
            else:
                counts = retention_purge(municipality=municipality, now=now)
            self.stdout.write(counts.line())
        if options["dry_run"]:
            self.stdout.write("dry run: nothing was changed")
