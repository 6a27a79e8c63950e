from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from scheduling.services import holds_sweep_expired


class Command(BaseCommand):
    help = "Expire holds whose time has passed (beat does this every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"expired {holds_sweep_expired()} holds")
