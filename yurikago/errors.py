"""The one error type the domain services raise, in every app: a code for machines, a message
for people, and optionally the field it is about and the alternatives to offer.

It knows nothing about HTTP: the API maps codes to statuses (api/exceptions.py,
DOMAIN_ERROR_STATUS) and the pages show the message next to the field. The booking core's
codes and their messages are in scheduling/errors.py (`booking_error`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # str | a gettext_lazy() string; django-stubs' helper package, for the type checker only.
    from django_stubs_ext import StrOrPromise

    from scheduling.availability import Slot


class DomainError(Exception):
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
