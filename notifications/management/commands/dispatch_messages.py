"""Run the message dispatcher once, or every minute with --loop (deployments without beat)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from notifications.tasks import dispatch_due_messages
from notifications.webhooks import webhooks_send_due

# As beat's schedule (yurikago/celery.py): the round is idempotent, so more often only costs.
INVITATIONS_EVERY_SECONDS = 5 * 60


class Command(BaseCommand):
    help = "Send due messages (confirmations, reminders, notices). --loop keeps doing it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="run every interval until stopped")
        parser.add_argument(
            "--interval", type=float, default=float(settings.MESSAGE_DISPATCH_INTERVAL_SECONDS)
        )
        parser.add_argument(
            "--max-runs", type=int, default=0, help="stop after this many runs (0: no limit)"
        )

    def handle(self, *args: object, **options: object) -> None:
        runs = 0
        invited_at: float | None = None
        while True:
            if options["loop"] and (
                invited_at is None or time.monotonic() - invited_at >= INVITATIONS_EVERY_SECONDS
            ):
                # Without beat (the demo), the invitations round runs here too (issue 16).
                from scheduling.invitation_services import invitations_round

                invited = invitations_round()
                invited_at = time.monotonic()
                if invited.total:
                    self.stdout.write(f"invitations {invited.invited}")
            result = dispatch_due_messages()
            # Without a broker nothing else sends webhooks (bookings never wait on a receiver).
            hooks = webhooks_send_due()
            runs += 1
            self.stdout.write(
                f"claimed {len(result.claimed)}, enqueued {result.enqueued}, "
                f"skipped {result.skipped}, reconciled {result.reconciled}, "
                f"webhooks {len(hooks)}"
            )
            max_runs = int(options["max_runs"])  # type: ignore[call-overload]
            if not options["loop"] or (max_runs and runs >= max_runs):
                return
            if result.more:
                continue  # a wave larger than one page: go on at once
            time.sleep(float(options["interval"]))  # type: ignore[arg-type]
