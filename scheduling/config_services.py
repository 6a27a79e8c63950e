"""Writes a municipality administrator makes to its configuration: sites, closures, interview
types. The caller has checked she administers the municipality (scheduling.access)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yurikago.errors import DomainError

from .availability import availability_changed
from .models import InterviewType, Municipality, Site, SiteClosure

if TYPE_CHECKING:
    from .models import User

log = logging.getLogger(__name__)
# In display order; the staff configuration forms show exactly these fields.
SITE_FIELDS = (
    "name",
    "name_en",
    "address",
    "access_note",
    "rooms",
    "open_weekdays",
    "closed_on_public_holidays",
    "closed_nth_weekdays",
    "year_end_start",
    "year_end_end",
    "last_start_time",
    "min_notice_days",
    "modes",
    "is_active",
)
INTERVIEW_TYPE_FIELDS = (
    "name",
    "duration_minutes",
    "buffer_minutes",
    "slot_step_minutes",
    "modes",
    "min_notice_hours",
    "max_days_ahead",
    "hold_minutes",
    "cancel_deadline_business_days",
    "cancel_deadline_time",
    "reminder_hours_before",
    "is_active",
)


def _update(
    obj: Site | InterviewType,
    changes: Mapping[str, object],
    allowed: tuple[str, ...],
    actor: User | None,
) -> None:
    unknown = set(changes).difference(allowed)
    if unknown:
        raise DomainError(
            "invalid", _("These fields cannot be changed here."), field=sorted(unknown)[0]
        )
    for name, value in changes.items():
        setattr(obj, name, value)
    try:
        obj.full_clean()
    except ValidationError as exc:
        field = next(iter(exc.message_dict), None)
        raise DomainError("invalid", "; ".join(exc.messages), field=field) from None
    obj._history_user = actor  # type: ignore[union-attr]  # django-simple-history's "who"
    with transaction.atomic():
        obj.save()
        availability_changed()
    log.info("%s %s updated by user %s", type(obj).__name__, obj.pk, getattr(actor, "pk", None))


def site_update(*, site: Site, changes: Mapping[str, object], actor: User | None) -> Site:
    _update(site, changes, SITE_FIELDS, actor)
    return site


def interview_type_update(
    *, interview_type: InterviewType, changes: Mapping[str, object], actor: User | None
) -> InterviewType:
    _update(interview_type, changes, INTERVIEW_TYPE_FIELDS, actor)
    return interview_type


def closure_create(
    *,
    municipality: Municipality,
    site: Site | None,
    date_from: dt.date,
    date_to: dt.date,
    reason: str = "",
    actor: User | None,
) -> SiteClosure:
    """A closure for one site, or (site None) every site of the municipality. Bookings already
    made on those days stay: staff see them and move them (the closure does not cancel)."""
    if site is not None and site.municipality_id != municipality.pk:
        raise DomainError("not_found", _("Not found."), field="site")
    if date_to < date_from:
        raise DomainError("invalid", _("“Until” must not be before “from”."), field="date_to")
    closure = SiteClosure(
        municipality=municipality,
        site=site,
        date_from=date_from,
        date_to=date_to,
        reason=reason[:200],
    )
    closure._history_user = actor  # type: ignore[attr-defined]  # django-simple-history's "who"
    with transaction.atomic():
        closure.save()
        availability_changed()
    log.info("closure %s created by user %s", closure.pk, getattr(actor, "pk", None))
    return closure


def closure_delete(*, closure: SiteClosure, actor: User | None) -> None:
    pk = closure.pk
    closure._history_user = actor  # type: ignore[attr-defined]  # django-simple-history's "who"
    closure.delete()
    availability_changed()
    log.info("closure %s removed by user %s", pk, getattr(actor, "pk", None))
