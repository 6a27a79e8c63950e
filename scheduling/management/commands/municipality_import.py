"""Create or update a municipality from its YAML file (scheduling/municipality_files.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scheduling.municipality_files import FileError, municipality_import


class Command(BaseCommand):
    help = (
        "Create or update a municipality with its sites, closures, interview types, nurses and "
        "their hours, staff roles and message texts from a YAML file. Idempotent; --dry-run "
        "shows what would change. A file with an error names its line and writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="show changes, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        self.stdout.write(f"{path}{' (dry run)' if options['dry_run'] else ''}")
        try:
            changes = municipality_import(
                text, dry_run=options["dry_run"], progress=lambda line: self.stdout.write(line)
            )
        except FileError as exc:
            raise CommandError(f"{path}, {exc} (nothing was written)") from None
        for line in changes.lines:
            self.stdout.write(line)
        if options["dry_run"]:
            self.stdout.write("dry run: nothing was written")
        elif not changes.changed:
            self.stdout.write("nothing to change")
