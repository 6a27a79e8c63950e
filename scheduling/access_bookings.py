"""Access to bookings, holds and a resident's own objects (part of scheduling.access).

Import these from scheduling.access, the one place that decides access. Here: which bookings she
may see or book for, holds (a browser session's and the API's), messages about a booking, and a
resident's questionnaire and earlier-time offers. Not found and not allowed are both Http404.
"""

from __future__ import annotations

import itertools
from functools import cache
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from yurikago.db import bigint, instance_from_row, prepared_cursor

from .access_scope import hold_owner_key, scope_for
from .models import Booking, Contact, InterviewType, Municipality, Pregnancy, Site

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from notifications.models import Message

    from .models import User
    from .questionnaire_models import Questionnaire
    from .waitlist_models import WaitlistOffer


def bookings_visible_to(user: User | AnonymousUser) -> QuerySet[Booking]:
    scope = scope_for(user)
    condition = Q(pk__in=[])
    if scope.resident_id is not None:
        condition |= Q(pregnancy__resident_id=scope.resident_id)
    if scope.site_ids:
        condition |= Q(site_id__in=scope.site_ids)
    return Booking.objects.filter(condition)


def access_booking(
    user: User | AnonymousUser, reference: str, *, for_update: bool = False
) -> Booking:
    """The booking if she may see it; otherwise 404, whether it exists or not."""
    reference = reference.replace("-", "").upper()
    qs = bookings_visible_to(user).select_related(
        "site__municipality", "municipality", "interview_type", "nurse", "pregnancy__resident"
    )
    booking = qs.filter(reference=reference).first()
    if booking is None:
        raise Http404
    return booking


def is_staff_for_booking(user: User | AnonymousUser, booking: Booking) -> bool:
    return booking.site_id in scope_for(user).site_ids


def access_booking_as_staff(user: User | AnonymousUser, reference: str) -> Booking:
    """A booking at one of her sites; 404 otherwise. Staff who are also residents do not get
    the staff view of their own booking at a site they do not work at."""
    booking = access_booking(user, reference)
    if not is_staff_for_booking(user, booking):
        raise Http404
    return booking


def access_message_as_staff(user: User | AnonymousUser, message_id: int) -> Message:
    """A message about a booking at one of her sites; 404 otherwise (a sign-in code belongs to
    no booking and to no member of staff)."""
    from notifications.models import Message

    message = (
        Message.objects.select_related("booking")
        .filter(pk=message_id, booking__isnull=False)
        .first()
    )
    if (
        message is None
        or message.booking is None
        or not is_staff_for_booking(user, message.booking)
    ):
        raise Http404
    return message


def access_api_hold(
    user: User | AnonymousUser, reference: str, *, with_her_pregnancy: bool = False
) -> Booking:
    """A hold she placed through the API herself, or one at a site where she is staff;
    otherwise 404. Read with its site, the site's municipality and its interview type, in one
    prepared statement.

    `with_her_pregnancy` (a resident confirming a hold without naming the pregnancy: the 09:00
    rush's second request): the same statement reads her ongoing pregnancy (as
    selectors.pregnancy_current), left on the hold as `her_pregnancy` (None without one), where
    it was a read of its own (issue 19, sixth round)."""
    resident_id = None
    if with_her_pregnancy and user.is_authenticated:
        resident_id = scope_for(user).resident_id
    hold, pregnancy = _api_hold_row(user, reference, resident_id=resident_id)
    if hold is None:
        raise Http404
    if with_her_pregnancy:
        hold.her_pregnancy = pregnancy  # type: ignore[attr-defined]
    return hold


def _api_hold_row(
    user: User | AnonymousUser, reference: str, *, resident_id: int | None
) -> tuple[Booking | None, Pregnancy | None]:
    """The held booking by its reference with its site, municipality and type, and (with a
    resident id) her ongoing pregnancy: one prepared statement, from a one-row table so that
    either comes without the other. The hold is None unless she placed it through the API or is
    staff at its site."""
    if not user.is_authenticated:
        return None, None
    on_postgresql = connection.vendor == "postgresql"
    with prepared_cursor() as cursor:
        cursor.execute(
            _api_hold_sql(),
            [
                reference.replace("-", "").upper(),
                Booking.Status.HELD,
                None
                if resident_id is None
                else bigint(resident_id)
                if on_postgresql
                else resident_id,
            ],
        )
        row = cursor.fetchone()
    ends = _API_HOLD_ENDS
    hold = instance_from_row(Booking, row[: ends[0]])
    pregnancy = instance_from_row(Pregnancy, row[ends[3] : ends[4]])
    if hold is None:
        return None, pregnancy
    if not (hold.hold_owner == hold_owner_key(user) or hold.site_id in scope_for(user).site_ids):
        return None, pregnancy
    site = instance_from_row(Site, row[ends[0] : ends[1]])
    assert site is not None, "a booking's site is there (PROTECT)"
    site.municipality = instance_from_row(Municipality, row[ends[1] : ends[2]])  # type: ignore[assignment]
    hold.site = site
    hold.interview_type = instance_from_row(InterviewType, row[ends[2] : ends[3]])  # type: ignore[assignment]
    return hold, pregnancy


_API_HOLD_MODELS = (Booking, Site, Municipality, InterviewType, Pregnancy)
_API_HOLD_ENDS = list(itertools.accumulate(len(m._meta.concrete_fields) for m in _API_HOLD_MODELS))


@cache
def _api_hold_sql() -> str:
    """As pregnancy_current: her active pregnancy, the newest first."""
    qn = connection.ops.quote_name
    columns = ", ".join(
        f"{alias}.{qn(str(f.column))}"
        for model, alias in zip(_API_HOLD_MODELS, "bsmtp", strict=True)
        for f in model._meta.concrete_fields
    )
    pregnancies = qn(Pregnancy._meta.db_table)
    return (
        f"SELECT {columns} FROM (SELECT 1 AS one) o"  # noqa: S608 (model tables)
        f" LEFT JOIN {qn(Booking._meta.db_table)} b ON b.reference = %s AND b.status = %s"
        f" LEFT JOIN {qn(Site._meta.db_table)} s ON s.id = b.site_id"
        f" LEFT JOIN {qn(Municipality._meta.db_table)} m ON m.id = s.municipality_id"
        f" LEFT JOIN {qn(InterviewType._meta.db_table)} t ON t.id = b.interview_type_id"
        f" LEFT JOIN {pregnancies} p ON p.id = (SELECT p2.id FROM {pregnancies} p2"
        " WHERE p2.resident_id = %s AND p2.is_active"
        " ORDER BY p2.created_at DESC, p2.id DESC LIMIT 1)"
    )


def access_pregnancy_for_booking(user: User | AnonymousUser, pregnancy_id: int) -> Pregnancy:
    """A pregnancy she may book for: her own, or (staff) one of a resident of a municipality
    she works for. Staff book on a caller's behalf without seeing her other records."""
    scope = scope_for(user)
    pregnancy = (
        Pregnancy.objects.filter(pk=pregnancy_id, is_active=True).select_related("resident").first()
    )
    if pregnancy is None:
        raise Http404
    if scope.resident_id is not None and pregnancy.resident_id == scope.resident_id:
        return pregnancy
    if scope.is_staff and pregnancy.resident.municipality_id in scope.municipality_ids:
        return pregnancy
    raise Http404


def access_site_for_booking(user: User | AnonymousUser, site_id: int) -> Site:
    """An open site of her own municipality (a resident) or of one she works for (staff).

    ONE statement (issue 19, every hold of the 09:00 rush): the site, its municipality, and the
    municipality's default interview type with that type's first contact, which a booking asked
    without a type or contact goes through (`default_type_and_contact`). They are configuration
    read in the same round trip, not part of the decision: the site alone decides."""
    scope = scope_for(user)
    allowed = set(scope.municipality_ids)
    if scope.resident_id is not None:
        allowed.add(user.resident.municipality_id)  # type: ignore[union-attr]
    if not allowed:
        raise Http404
    site, municipality, itype, contact = _site_with_default_type(site_id, sorted(allowed))
    if site is None or municipality is None:
        raise Http404
    if itype is not None:
        vars(municipality)[_DEFAULT_TYPE] = (itype, contact)
    site.municipality = municipality
    return site


_DEFAULT_TYPE = "_yurikago_default_type_and_contact"


def default_type_and_contact(
    municipality: Municipality,
) -> tuple[InterviewType, Contact | None] | None:
    """The municipality's default interview type (its first active one) and that type's first
    active contact, when `access_site_for_booking` read them with the site in this request;
    None otherwise (then read them as usual)."""
    return vars(municipality).get(_DEFAULT_TYPE)


def _site_sql(municipality_ids: int) -> str:
    qn = connection.ops.quote_name
    columns = ", ".join(
        f"{alias}.{qn(str(f.column))}"
        for model, alias in zip(_SITE_ROW_MODELS, "smtc", strict=True)
        for f in model._meta.concrete_fields
    )
    types, contacts = qn(InterviewType._meta.db_table), qn(Contact._meta.db_table)
    if connection.vendor == "postgresql":
        among = "= ANY(%s)"  # one array parameter: the same text for any number of ids
    else:
        among = f"IN ({', '.join(['%s'] * municipality_ids)})"
    return (
        f"SELECT {columns} FROM {qn(Site._meta.db_table)} s"  # noqa: S608 (model tables)
        f" JOIN {qn(Municipality._meta.db_table)} m ON m.id = s.municipality_id"
        f" LEFT JOIN {types} t ON t.id = (SELECT t2.id FROM {types} t2"
        " WHERE t2.municipality_id = s.municipality_id AND t2.is_active ORDER BY t2.id LIMIT 1)"
        f" LEFT JOIN {contacts} c ON c.id = (SELECT c2.id FROM {contacts} c2"
        " WHERE c2.interview_type_id = t.id AND c2.is_active"
        " ORDER BY c2.ordering_key, c2.id LIMIT 1)"
        f" WHERE s.id = %s AND s.is_active AND s.municipality_id {among}"
    )


_SITE_ROW_MODELS = (Site, Municipality, InterviewType, Contact)
# Where each model's columns end in the row.
_SITE_ROW_ENDS = list(itertools.accumulate(len(m._meta.concrete_fields) for m in _SITE_ROW_MODELS))
# The statement's text by vendor (PostgreSQL: one text, prepared once per connection) or, on
# the others, by vendor and number of municipality ids.
_SITE_SQL: dict[tuple[str, int], str] = {}


def _site_with_default_type(
    site_id: int, municipality_ids: list[int]
) -> tuple[Site | None, Municipality | None, InterviewType | None, Contact | None]:
    """The open site among these municipalities', with its municipality, default interview type
    (the active one with the lowest id, as selectors.interview_type_default) and that type's
    first active contact (as contacts.contact_for_interview_type), in one statement. Plain SQL
    over the models' columns, each value converted as the ORM would (the ORM cannot build one
    query returning four unrelated rows). On PostgreSQL its text is the same for any number of
    municipalities (they are one array parameter), so it is prepared once per connection: an
    IN list of one more id was a new text, parsed and planned at every hold."""
    if connection.vendor == "postgresql":
        key = ("postgresql", 0)
        params: list[Any] = [bigint(site_id), [bigint(m) for m in municipality_ids]]
    else:
        key, params = (connection.vendor, len(municipality_ids)), [site_id, *municipality_ids]
    sql = _SITE_SQL.get(key) or _SITE_SQL.setdefault(key, _site_sql(key[1]))
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None, None, None, None
    # Where each model's columns end in the row.
    ends = list(itertools.accumulate(len(m._meta.concrete_fields) for m in _SITE_ROW_MODELS))
    return (
        instance_from_row(Site, row[: ends[0]]),
        instance_from_row(Municipality, row[ends[0] : ends[1]]),
        instance_from_row(InterviewType, row[ends[1] : ends[2]]),
        instance_from_row(Contact, row[ends[2] : ends[3]]),
    )


def access_hold(owner: str, reference: str) -> Booking:
    """A hold placed in this browser session (the booking flow's `hold_owner` token).

    Before she confirms there is no pregnancy to tie it to her, so the token is the only proof.
    Any status is returned (an expired hold gets a "choose again" page); another session's hold,
    or a hold with no owner, is a 404 like any other booking that is not hers.
    """
    if not owner:
        raise Http404
    booking = (
        Booking.objects.select_related("site__municipality", "municipality", "interview_type")
        .filter(reference=reference.replace("-", "").upper(), hold_owner=owner)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


def access_her_questionnaire(
    user: User | AnonymousUser, contact_code: str
) -> tuple[Pregnancy, Questionnaire]:
    """Her questionnaire (issue 16) for a contact of her municipality: her ongoing pregnancy and
    the contact's questionnaire, when the contact is due or she has answered it already (a draft
    or sent). Anyone else, or a contact not due yet, is a 404."""
    from django.utils import timezone

    from .contact_models import Contact, PregnancyContact
    from .contacts import DUE, contact_status
    from .questionnaire_models import Questionnaire, QuestionnaireResponse
    from .selectors import pregnancy_current

    scope = scope_for(user)
    if scope.resident_id is None:
        raise Http404
    pregnancy = pregnancy_current(scope.resident_id)
    questionnaire = (
        Questionnaire.objects.filter(
            contact__code=contact_code,
            contact__kind=Contact.Kind.QUESTIONNAIRE,
            contact__is_active=True,
            contact__municipality__residents__pk=scope.resident_id,
        )
        .select_related("contact")
        .first()
    )
    if pregnancy is None or questionnaire is None:
        raise Http404
    if QuestionnaireResponse.objects.filter(
        pregnancy=pregnancy, questionnaire=questionnaire
    ).exists():
        return pregnancy, questionnaire
    record = PregnancyContact.objects.filter(
        pregnancy=pregnancy, contact=questionnaire.contact
    ).first()
    status, _window = contact_status(
        contact=questionnaire.contact,
        pregnancy=pregnancy,
        record=record,
        booking=None,
        today=timezone.localdate(),
    )
    if status != DUE:
        raise Http404
    return pregnancy, questionnaire


def access_waitlist_offer(user: User | AnonymousUser, token: str) -> WaitlistOffer:
    """An earlier-time offer (issue 16): only to the resident it was made for; 404 otherwise,
    whether the token exists or not (the link in her message is not enough on its own)."""
    from .waitlist_models import WaitlistOffer

    scope = scope_for(user)
    offer = (
        WaitlistOffer.objects.filter(token=token)
        .select_related("entry__pregnancy__resident", "site__municipality", "hold")
        .first()
    )
    if (
        offer is None
        or scope.resident_id is None
        or offer.entry.pregnancy.resident_id != scope.resident_id
    ):
        raise Http404
    return offer
