from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from scheduling.demo import seed


class Command(BaseCommand):
    help = "Create (or refresh) the Katsushika demo and a fictional second municipality."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--nurses", type=int, default=16)
        parser.add_argument("--residents", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        logins = seed(nurses=options["nurses"], residents=options["residents"])
        for line in logins.lines:
            self.stdout.write(line)
