"""Writes a municipality administrator makes to her municipality's contacts (issue 15) from the
staff configuration pages. The caller has checked she administers the municipality
(scheduling.access.access_contact_as_admin / access_municipality_admin).

Rules kept here, whatever the page or form sent:
- the due rule is whole: at notification has no range; weeks of pregnancy (1–45) and days
  after birth (0–400) need both ends, the end not before the start;
- the kind decides the modes: a remote interview is video and/or phone, a site interview needs
  at least one way, a home visit and a questionnaire have none; a questionnaire needs no booking;
- sites, districts and the interview type are her municipality's; an interview type offers
  every mode of the contact (it is what residents book, so it decides the times offered);
- a booked interview without an interview type gets a new one with the contact's name,
  duration and modes, so it is bookable at once (the type's other settings are the defaults,
  edited on its own page).
Each write is one transaction, with the configuration history's "who".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from yurikago.errors import DomainError

from .availability import availability_changed
from .contact_models import Contact
from .home_visit_models import District
from .models import InterviewType, Mode, Municipality, Site

if TYPE_CHECKING:
    from .models import User

log = logging.getLogger(__name__)

# The fields the staff page edits (the many-to-many ones, sites and districts, apart).
CONTACT_FIELDS = (
    "code",
    "name",
    "name_translations",
    "kind",
    "due_basis",
    "due_from",
    "due_until",
    "qualification",
    "modes",
    "duration_minutes",
    "needs_booking",
    "optional",
    "interview_type",
    "bring",
    "call_from",
    "ordering_key",
    "is_active",
)
DUE_LIMITS = {
    Contact.DueBasis.GESTATION_WEEKS: (1, 45),
    Contact.DueBasis.DAYS_AFTER_BIRTH: (0, 400),
}
BOOKED_KINDS = (Contact.Kind.SITE_INTERVIEW, Contact.Kind.REMOTE_INTERVIEW)
REMOTE_MODES = {Mode.VIDEO, Mode.PHONE}
DURATION = (5, 240)


def _invalid(message: Any, field: str | None = None) -> DomainError:
    return DomainError("invalid", message, field=field)


def _check_due(contact: Contact) -> None:
    if contact.due_basis == Contact.DueBasis.NOTIFICATION:
        contact.due_from = contact.due_until = None  # open-ended from the notification
        return
    low, high = DUE_LIMITS[Contact.DueBasis(contact.due_basis)]
    if contact.due_from is None or contact.due_until is None:
        if contact.due_basis == Contact.DueBasis.GESTATION_WEEKS:
            raise _invalid(
                _("Enter the weeks of pregnancy it falls due, from and until."), "due_from"
            )
        raise _invalid(_("Enter the days after birth it falls due, from and until."), "due_from")
    for field in ("due_from", "due_until"):
        if not low <= getattr(contact, field) <= high:
            raise _invalid(
                _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}, field
            )
    if contact.due_until < contact.due_from:
        raise _invalid(_("The window ends before it starts."), "due_until")


def _check_kind(contact: Contact) -> None:
    modes = [m for m in Mode.values if m in (contact.modes or [])]
    if len(modes) != len(set(contact.modes or [])):
        raise _invalid(_("Choose from the list."), "modes")
    contact.modes = modes
    if contact.kind == Contact.Kind.REMOTE_INTERVIEW:
        if not modes or not set(modes) <= REMOTE_MODES:
            raise _invalid(_("A remote interview is by video or by phone."), "modes")
    elif contact.kind == Contact.Kind.SITE_INTERVIEW:
        if not modes:
            raise _invalid(_("Choose at least one way to hold the interview."), "modes")
    else:
        contact.modes = []
    if contact.kind == Contact.Kind.QUESTIONNAIRE and contact.needs_booking:
        raise _invalid(_("A questionnaire needs no booking."), "needs_booking")
    if contact.kind not in BOOKED_KINDS:
        contact.interview_type = None  # visits are arranged by district, questionnaires answered
    if not DURATION[0] <= contact.duration_minutes <= DURATION[1]:
        raise _invalid(
            _("Enter a number from %(low)s to %(high)s.")
            % {"low": DURATION[0], "high": DURATION[1]},
            "duration_minutes",
        )


def _check_belongs(
    contact: Contact, sites: Iterable[Site] | None, districts: Iterable[District] | None
) -> None:
    muni = contact.municipality_id
    itype = contact.interview_type
    if itype is not None and itype.municipality_id != muni:
        raise _invalid(_("Choose from the list."), "interview_type")
    if any(s.municipality_id != muni for s in sites or ()):
        raise _invalid(_("Choose from the list."), "sites")
    if any(d.municipality_id != muni for d in districts or ()):
        raise _invalid(_("Choose from the list."), "districts")
    if itype is not None and contact.needs_booking:
        missing = [m for m in contact.modes if m not in (itype.modes or [])]
        if missing:
            raise _invalid(
                _("The interview type “%(type)s” does not offer: %(modes)s.")
                % {"type": itype.name, "modes": ", ".join(str(Mode(m).label) for m in missing)},
                "interview_type",
            )


def _new_interview_type(contact: Contact, actor: User | None) -> InterviewType:
    """Its bookable side, named after it, unique in the municipality ("contact-<code>")."""
    taken = set(
        InterviewType.objects.filter(municipality_id=contact.municipality_id).values_list(
            "code", flat=True
        )
    )
    code, n = f"contact-{contact.code}"[:50], 2
    while code in taken:
        code, n = f"contact-{contact.code}-{n}"[:50], n + 1
    itype = InterviewType(
        municipality_id=contact.municipality_id,
        code=code,
        name=contact.name,
        duration_minutes=contact.duration_minutes,
        modes=list(contact.modes),
    )
    itype._history_user = actor  # type: ignore[attr-defined]  # django-simple-history's "who"
    try:
        itype.full_clean()
    except ValidationError as exc:
        raise _invalid("; ".join(exc.messages), "interview_type") from None
    itype.save()
    return itype


def _save(
    contact: Contact,
    *,
    sites: Iterable[Site] | None,
    districts: Iterable[District] | None,
    actor: User | None,
) -> Contact:
    _check_due(contact)
    _check_kind(contact)
    _check_belongs(contact, sites, districts)
    try:
        contact.full_clean(exclude=["interview_type"])
    except ValidationError as exc:
        field = next(iter(exc.message_dict), None)
        raise _invalid("; ".join(exc.messages), field) from None
    contact._history_user = actor  # type: ignore[attr-defined]  # django-simple-history's "who"
    try:
        with transaction.atomic():
            if (
                contact.needs_booking
                and contact.kind in BOOKED_KINDS
                and contact.interview_type is None
            ):
                contact.interview_type = _new_interview_type(contact, actor)
            contact.save()
            if sites is not None:
                contact.sites.set(list(sites))
            if districts is not None:
                contact.districts.set(list(districts))
            availability_changed()
    except IntegrityError:  # the same code saved twice at once
        raise _invalid(_("Another contact already has this code."), "code") from None
    return contact


def contact_create(
    *,
    municipality: Municipality,
    values: Mapping[str, Any],
    sites: Iterable[Site] = (),
    districts: Iterable[District] = (),
    actor: User | None,
) -> Contact:
    unknown = set(values).difference(CONTACT_FIELDS)
    if unknown:
        raise _invalid(_("These fields cannot be changed here."), sorted(unknown)[0])
    contact = Contact(municipality=municipality, **values)
    if Contact.objects.filter(municipality=municipality, code=contact.code).exists():
        raise _invalid(_("Another contact already has this code."), "code")
    _save(contact, sites=sites, districts=districts, actor=actor)
    log.info("contact %s created by user %s", contact.pk, getattr(actor, "pk", None))
    return contact


def contact_update(
    *,
    contact: Contact,
    changes: Mapping[str, Any],
    sites: Iterable[Site] | None = None,
    districts: Iterable[District] | None = None,
    actor: User | None,
) -> Contact:
    """Apply `changes` (field → value, only CONTACT_FIELDS); sites and districts when given."""
    unknown = set(changes).difference(CONTACT_FIELDS)
    if unknown:
        raise _invalid(_("These fields cannot be changed here."), sorted(unknown)[0])
    if (
        "code" in changes
        and Contact.objects.filter(municipality_id=contact.municipality_id, code=changes["code"])
        .exclude(pk=contact.pk)
        .exists()
    ):
        raise _invalid(_("Another contact already has this code."), "code")
    fresh = Contact.objects.get(pk=contact.pk)  # the caller's copy stays as it was on a refusal
    for name, value in changes.items():
        setattr(fresh, name, value)
    _save(fresh, sites=sites, districts=districts, actor=actor)
    log.info("contact %s updated by user %s", contact.pk, getattr(actor, "pk", None))
    return fresh
