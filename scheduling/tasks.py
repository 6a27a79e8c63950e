"""Scheduling tasks: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task


# Both limits: the global soft limit (45 s) above a hard one of 30 s makes Celery refuse to send it.
@shared_task(name="scheduling.sweep_expired_holds", time_limit=30, soft_time_limit=25)
def sweep_expired_holds() -> int:
    from .services import holds_sweep_expired

    return holds_sweep_expired()


@shared_task(name="scheduling.waitlist_offers", time_limit=50, soft_time_limit=45)
def waitlist_offers() -> tuple[int, int]:
    """Every minute: offers not taken in time pass on, free places go to those waiting."""
    from .waitlist_services import waitlist_offers_round

    return waitlist_offers_round()


@shared_task(name="scheduling.invitations", time_limit=110, soft_time_limit=100)
def invitations() -> dict[str, int]:
    """Every few minutes: invitations now due (issue 16), each once; the database refuses a
    second one, so an overlapping or repeated run sends nothing twice."""
    from .invitation_services import invitations_round

    return invitations_round().invited


# Celery autodiscovers `scheduling.tasks`; importing registers the calendar tasks as well.
from .calendars.tasks import sync_all_calendars, sync_calendar  # noqa: E402

__all__ = [
    "invitations",
    "sweep_expired_holds",
    "sync_all_calendars",
    "sync_calendar",
    "waitlist_offers",
]
