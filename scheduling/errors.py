"""The booking core's error codes and their messages; the error itself is the neutral
yurikago.errors.DomainError (whose HTTP statuses are the API's business)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yurikago.errors import DomainError

# The neutral error's old name, for code written against it (issue 13 moved it to yurikago/).
BookingError = DomainError


MESSAGES = {
    "slot_unavailable": _("Sorry, this time has just been taken. Please choose another time."),
    "already_booked": _("You already have an interview booked for this pregnancy."),
    "hold_expired": _(
        "The time you picked was kept for you for a few minutes, and that has "
        "passed. Please choose a time again."
    ),
    "deadline_passed": _(
        "The deadline to change or cancel online has passed. Please call the health centre."
    ),
    "invalid_state": _("This booking can no longer be changed."),
    "not_started": _(
        "A no-show can be recorded only after the interview's start time. She may still come."
    ),
    "in_past": _("This time has already passed."),
    "outside_window": _("This time cannot be booked online yet, or is too far ahead."),
    "closed": _("The site is closed on that day."),
    "mode_unavailable": _("This kind of interview is not offered there."),
    "not_found": _("Not found."),
}


def booking_error(code: str, **kwargs: object) -> DomainError:
    return DomainError(code, MESSAGES[code], **kwargs)  # type: ignore[arg-type]
