"""Load a municipality's 町丁 → district (地区担当) → nurses list from a CSV file (issue 15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scheduling.home_visit_services import DISTRICT_COLUMNS, district_import
from scheduling.models import Municipality
from yurikago.errors import DomainError


class Command(BaseCommand):
    help = (
        "Replace a municipality's districts for home visits from a UTF-8 CSV file with the "
        f"columns {', '.join(DISTRICT_COLUMNS)} (one row per 町丁; nurse emails separated by "
        "';'). A file with an error names its line and writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("municipality", help="the municipality's code, e.g. katsushika")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"no municipality with the code {options['municipality']!r}")
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        try:
            done = district_import(municipality=municipality, text=text)
        except DomainError as exc:
            raise CommandError(f"{path}: {exc.message} (nothing was written)") from None
        self.stdout.write(
            f"{municipality.code}: {done.districts} districts, {done.towns} towns, "
            f"{done.nurses} nurses"
        )
