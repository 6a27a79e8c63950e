"""The one error type the booking services raise: a code for machines, a message for people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # str | a gettext_lazy() string; django-stubs' helper package, for the type checker only.
    from django_stubs_ext import StrOrPromise

    from .availability import Slot


class BookingError(Exception):
    # code -> HTTP status an API answers with
    STATUS = {
        "slot_unavailable": 409,
        "already_booked": 409,
        "hold_expired": 410,
        "deadline_passed": 422,
        "invalid_state": 409,
        "not_started": 422,
        "in_past": 422,
        "outside_window": 422,
        "closed": 422,
        "mode_unavailable": 422,
        "not_found": 404,
        "invalid": 422,
    }

    def __init__(
        self,
        code: str,
        message: StrOrPromise,
        *,
        field: str | None = None,
        alternatives: list[Slot] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.alternatives = alternatives or []

    @property
    def status(self) -> int:
        return self.STATUS.get(self.code, 422)


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


def booking_error(code: str, **kwargs: object) -> BookingError:
    return BookingError(code, MESSAGES[code], **kwargs)  # type: ignore[arg-type]
