"""Import pregnancy notifications (妊娠届) from the municipality's 母子保健 export (issue 16)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from scheduling.models import Municipality
from scheduling.notification_import import notifications_import_file


class Command(BaseCommand):
    help = (
        "Import pregnancy notifications from a CSV export (UTF-8 or Shift_JIS). All or nothing: "
        "a file with any bad row, or with a My Number, is refused whole and each error named by "
        "its line. Idempotent on the record key; --dry-run checks and counts, writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--municipality", help="its code (may be left out when there is only one)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count only")
        parser.add_argument(
            "--language", default="en", help="of the progress and errors, e.g. ja (default en)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        municipality = _municipality(options["municipality"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        dry_run = options["dry_run"]
        self.stdout.write(f"{path} → {municipality.code}{' (dry run)' if dry_run else ''}")
        # In the --language asked for (English by default, as the other commands write).
        with translation.override(options["language"]):
            result = notifications_import_file(
                municipality=municipality,
                data=data,
                dry_run=dry_run,
                progress=lambda line: self.stdout.write(line),
            )
            errors = [str(error) for error in result.errors]
        if result.refused:
            for error in errors:
                self.stderr.write(error)
            raise CommandError(
                f"{path}: refused, {len(result.errors)} error(s); nothing was imported"
            )
        self.stdout.write(
            f"{result.created} new, of which {result.matched} matched a resident; "
            f"{result.already} imported before (left as they were)"
        )
        if dry_run:
            self.stdout.write("dry run: nothing was written")


def _municipality(code: str | None) -> Municipality:
    if code:
        found = Municipality.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"no municipality {code}")
        return found
    municipalities = list(Municipality.objects.all()[:2])
    if len(municipalities) != 1:
        raise CommandError("name the municipality with --municipality CODE")
    return municipalities[0]
