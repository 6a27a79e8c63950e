"""Write a municipality as the YAML file municipality_import reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scheduling.models import Municipality
from scheduling.municipality_files import municipality_export


class Command(BaseCommand):
    help = "Write a municipality (by code) in the municipality_import format, to FILE or stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")
        parser.add_argument("file", type=Path, nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(code=options["code"]).first()
        if municipality is None:
            raise CommandError(f"no municipality {options['code']!r}")
        text = municipality_export(municipality)
        if options["file"] is None:
            self.stdout.write(text, ending="")
        else:
            options["file"].write_text(text, encoding="utf-8")
            self.stderr.write(f"wrote {options['file']}")
