"""When an invitation's message is no longer worth sending: the rule the outbox writer
(invitations.py) and the dispatcher (dispatch.py) share. Kept apart from invitations.py, which
nudges the dispatcher through tasks.py, so the dispatcher imports nothing that imports it back.
"""

from __future__ import annotations

import datetime as dt

from .models import Message


def occurrence_for(invitation_id: int) -> str:
    return f"inv-{invitation_id}"


def invitation_stale(message: Message, now: dt.datetime) -> tuple[str, str, str] | None:
    """(status, code, reason) when the row must not go out any more: the invitation is gone,
    her pregnancy has ended, or she has already booked or done the contact (a reminder queued
    for the morning is not sent to someone who booked in the night)."""
    from scheduling.invitation_selectors import invitation_acted_on

    acted = invitation_acted_on(message.context.get("invitation_id"), now)
    if acted is None:
        return None
    return Message.Status.CANCELLED, "invitation_done", acted
