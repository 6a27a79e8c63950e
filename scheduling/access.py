"""Who may see or change what. The only place that decides it; pages and API both call here.

Not found and not allowed look the same to the caller (Http404), so nothing leaks.
- a resident: her own bookings and pregnancies;
- a nurse: bookings at her sites;
- a site manager: bookings at the sites she manages;
- a municipality administrator: everything in her municipality;
- nobody: another municipality's data.

Staff scope needs a staff session: a sign-in that passed a password and a TOTP (or recovery)
code in this session, or an integration token. A staff account signed in any other way (password
only, before TOTP is set up; a one-time code) holds no staff scope at all, on pages, the API,
resident pages of bookings at her sites and the admin alike (`staff_session_mark`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from .models import (
    AvailabilityRule,
    Booking,
    InterviewType,
    Municipality,
    Nurse,
    Pregnancy,
    Site,
    SiteClosure,
    StaffRole,
    TimeOff,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from notifications.models import Message
    from notifications.webhook_models import WebhookDelivery

    from .contact_models import Contact
    from .home_visit_models import HomeVisit, VisitBlock
    from .models import ExternalCalendar, User
    from .questionnaire_models import Question, Questionnaire
    from .waitlist_models import WaitlistEntry, WaitlistOffer


@dataclass(frozen=True)
class Scope:
    """What a signed-in person may reach, computed once per request."""

    resident_id: int | None = None
    nurse_id: int | None = None
    # site ids she may see as staff (nurse sites ∪ managed sites ∪ all sites she administers)
    site_ids: frozenset[int] = field(default_factory=frozenset)
    admin_municipality_ids: frozenset[int] = field(default_factory=frozenset)
    manager_site_ids: frozenset[int] = field(default_factory=frozenset)
    municipality_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return bool(self.site_ids or self.admin_municipality_ids)

    @property
    def is_manager(self) -> bool:
        return bool(self.manager_site_ids or self.admin_municipality_ids)

    def without_staff(self) -> Scope:
        """What is left of her scope in a session that did not pass staff sign-in: her own
        bookings as a resident, nothing as staff."""
        return Scope(resident_id=self.resident_id)


# --- Staff sessions: the one policy --------------------------------------------------------------

# How a session signed in, as allauth records it ("authentication records"): staff need both.
STAFF_SIGN_IN_METHODS = frozenset({"password", "mfa"})
_STAFF_SESSION = "_yurikago_staff_session"


def staff_sign_in_passed(methods: Iterable[str]) -> bool:
    """True when this session's sign-in included a password and a TOTP (or recovery) code."""
    return STAFF_SIGN_IN_METHODS <= set(methods)


def staff_session_mark(user: User | AnonymousUser, passed: bool) -> None:
    """Record, for this request's user object, whether her session passed staff sign-in.
    Set by the web layer (yurikago.staff_sessions middleware) from the session, and by the API's
    token authentication. A user object nobody marked holds no staff scope: fail closed."""
    if user.is_authenticated:
        setattr(user, _STAFF_SESSION, passed)  # on the user itself, also through a lazy proxy


def staff_session_passed(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and getattr(user, _STAFF_SESSION, None) is True)


def is_staff_account(user: User | AnonymousUser) -> bool:
    """A nurse, manager or administrator, however this session signed in. Only for choosing
    where to send her (TOTP set-up rather than 404); never for showing or changing data."""
    return user.is_authenticated and _account_scope(user).is_staff


def is_staff_or_superuser_account(user: User | AnonymousUser) -> bool:
    """Accounts that must sign in with password and TOTP, never with a one-time code."""
    return bool(getattr(user, "is_superuser", False) or getattr(user, "is_staff", False)) or (
        is_staff_account(user)
    )


def may_use_admin(user: User | AnonymousUser) -> bool:
    """The Django admin: an active superuser whose session passed password + TOTP."""
    return bool(
        user.is_authenticated
        and user.is_active
        and getattr(user, "is_superuser", False)
        and staff_session_passed(user)
    )


def scope_for(user: User | AnonymousUser) -> Scope:
    """What she may reach in this request: her account's scope, less all staff scope unless the
    session passed staff sign-in (password + TOTP) or is an integration token."""
    if not user.is_authenticated:
        return Scope()
    scope = _account_scope(user)
    if scope.is_staff and not staff_session_passed(user):
        return scope.without_staff()
    return scope


def _account_scope(user: User) -> Scope:
    cached = getattr(user, "_yurikago_scope", None)
    if cached is not None:
        return cached
    resident_id = getattr(getattr(user, "resident", None), "pk", None)
    nurse = Nurse.objects.filter(user=user, is_active=True).first()
    site_ids: set[int] = set()
    municipality_ids: set[int] = set()
    if nurse:
        site_ids |= set(nurse.sites.values_list("id", flat=True))
        municipality_ids.add(nurse.municipality_id)
    admin_ids: set[int] = set()
    manager_sites: set[int] = set()
    for role in StaffRole.objects.filter(user=user).prefetch_related("sites"):
        municipality_ids.add(role.municipality_id)
        if role.role == StaffRole.Role.MUNICIPALITY_ADMIN:
            admin_ids.add(role.municipality_id)
        else:
            manager_sites |= {s.id for s in role.sites.all()}
    if admin_ids:
        site_ids |= set(
            Site.objects.filter(municipality_id__in=admin_ids).values_list("id", flat=True)
        )
    site_ids |= manager_sites
    scope = Scope(
        resident_id=resident_id,
        nurse_id=nurse.pk if nurse else None,
        site_ids=frozenset(site_ids),
        admin_municipality_ids=frozenset(admin_ids),
        manager_site_ids=frozenset(manager_sites),
        municipality_ids=frozenset(municipality_ids),
    )
    _remember_scope(user, scope)
    return scope


def _remember_scope(user: User, scope: Scope) -> None:
    """Keep the scope on this user object for the rest of the request; scope_for reads it back.
    A plain attribute of the instance, not a model field, hence set through its __dict__."""
    vars(user)["_yurikago_scope"] = scope


def signed_in(user: User | AnonymousUser) -> User:
    """The user of a page behind a sign-in gate (staff_required, resident_login_required): the
    gate has sent anyone not signed in away before the page runs."""
    assert user.is_authenticated, "a page that needs a signed-in user ran without its gate"
    return user


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


def access_rule_site(user: User | AnonymousUser, nurse: Nurse, site_id: int) -> Site:
    """A site where this nurse works and whose schedule this person may edit: her own sites for
    a nurse, the managed or administered sites for everyone else."""
    scope = scope_for(user)
    if site_id not in scope.site_ids or not nurse.sites.filter(pk=site_id).exists():
        raise Http404
    return Site.objects.select_related("municipality").get(pk=site_id)


def access_site_as_staff(user: User | AnonymousUser, site_id: int) -> Site:
    if site_id not in scope_for(user).site_ids:
        raise Http404
    return Site.objects.select_related("municipality").get(pk=site_id)


def access_nurse(user: User | AnonymousUser, nurse_id: int) -> Nurse:
    """Her own record, or a nurse at sites she manages or administers."""
    scope = scope_for(user)
    nurse = Nurse.objects.filter(pk=nurse_id).prefetch_related("sites").first()
    if nurse is None:
        raise Http404
    if nurse.pk == scope.nurse_id:
        return nurse
    if nurse.municipality_id in scope.admin_municipality_ids:
        return nurse
    if {s.id for s in nurse.sites.all()} & scope.manager_site_ids:
        return nurse
    raise Http404


def access_municipality_admin(user: User | AnonymousUser, municipality_id: int) -> Municipality:
    if municipality_id not in scope_for(user).admin_municipality_ids:
        raise Http404
    return Municipality.objects.get(pk=municipality_id)


def access_webhook_delivery(user: User | AnonymousUser, delivery_id: int) -> WebhookDelivery:
    """A webhook delivery of one of her municipalities' subscriptions (administrators); else
    404."""
    from notifications.webhook_models import WebhookDelivery

    delivery = (
        WebhookDelivery.objects.filter(
            pk=delivery_id,
            subscription__municipality_id__in=scope_for(user).admin_municipality_ids,
        )
        .select_related("subscription")
        .first()
    )
    if delivery is None:
        raise Http404
    return delivery


def manager_site_ids(user: User | AnonymousUser) -> frozenset[int]:
    """Sites whose figures she may see on the dashboard."""
    scope = scope_for(user)
    if scope.admin_municipality_ids:
        return scope.site_ids
    return scope.manager_site_ids


# --- Calendars (scheduling/calendars/) ---------------------------------------------------------


def access_calendar(user: User | AnonymousUser, calendar_id: int) -> ExternalCalendar:
    """An external calendar of a nurse whose record she may manage (access_nurse); else 404."""
    from .models import ExternalCalendar

    calendar = (
        ExternalCalendar.objects.filter(pk=calendar_id)
        .select_related("nurse__municipality")
        .first()
    )
    if calendar is None:
        raise Http404
    access_nurse(user, calendar.nurse_id)
    return calendar


def access_site_feed(user: User | AnonymousUser, site_id: int) -> Site:
    """A site whose calendar feed she may publish or revoke: its manager or an administrator."""
    if site_id not in manager_site_ids(user):
        raise Http404
    return Site.objects.select_related("municipality").get(pk=site_id)


# --- API callers (api/) -----------------------------------------------------------------------


def hold_owner_key(user: User | AnonymousUser) -> str:
    """What a hold placed through the API records as its owner."""
    return f"user:{user.pk}" if user.is_authenticated else ""


def scope_for_integration(user: User, municipality_id: int) -> Scope:
    """An integration's API token acts as staff of its one municipality: every site there, as
    an administrator would, and nothing of any other municipality. Bound to the token's service
    user for this request, so every access_* function above answers for the token."""
    site_ids = frozenset(
        Site.objects.filter(municipality_id=municipality_id).values_list("id", flat=True)
    )
    scope = Scope(
        site_ids=site_ids,
        admin_municipality_ids=frozenset({municipality_id}),
        municipality_ids=frozenset({municipality_id}),
    )
    _remember_scope(user, scope)
    staff_session_mark(user, True)
    return scope


def access_api_hold(user: User | AnonymousUser, reference: str) -> Booking:
    """A hold she placed through the API herself, or one at a site where she is staff;
    otherwise 404."""
    reference = reference.replace("-", "").upper()
    hold = (
        Booking.objects.filter(reference=reference, status=Booking.Status.HELD)
        .select_related("site__municipality", "interview_type")
        .first()
    )
    if hold is None or not user.is_authenticated:
        raise Http404
    if hold.hold_owner == hold_owner_key(user) or hold.site_id in scope_for(user).site_ids:
        return hold
    raise Http404


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


def access_pregnancy_as_staff(user: User | AnonymousUser, pregnancy_id: int) -> Pregnancy:
    """A pregnancy's timeline (its contacts, outcomes and private notes; issue 15): the
    administrators of her municipality; a nurse or site manager when one of its bookings is or
    was at her sites, or a nurse who recorded one of its contacts. Otherwise 404."""
    from .contact_models import PregnancyContact

    scope = scope_for(user)
    pregnancy = (
        Pregnancy.objects.filter(pk=pregnancy_id).select_related("resident__municipality").first()
    )
    if pregnancy is None or not scope.is_staff:
        raise Http404
    if pregnancy.resident.municipality_id in scope.admin_municipality_ids:
        return pregnancy
    if pregnancy.resident.municipality_id not in scope.municipality_ids:
        raise Http404
    if Booking.objects.filter(pregnancy=pregnancy, site_id__in=scope.site_ids).exists():
        return pregnancy
    if (
        scope.nurse_id is not None
        and PregnancyContact.objects.filter(pregnancy=pregnancy, done_by_id=scope.nurse_id).exists()
    ):
        return pregnancy
    raise Http404


def visit_blocks_visible_to(user: User | AnonymousUser) -> QuerySet[VisitBlock]:
    """Home-visit blocks (issue 15): a nurse's own, and every block of a municipality she
    administers."""
    from .home_visit_models import VisitBlock

    scope = scope_for(user)
    condition = Q(pk__in=[])
    if scope.nurse_id is not None:
        condition |= Q(nurse_id=scope.nurse_id)
    if scope.admin_municipality_ids:
        condition |= Q(district__municipality_id__in=scope.admin_municipality_ids)
    return VisitBlock.objects.filter(condition)


def access_home_visit(user: User | AnonymousUser, visit_id: int) -> HomeVisit:
    """A home visit in one of the blocks she may see; else 404."""
    from .home_visit_models import HomeVisit

    visit = (
        HomeVisit.objects.filter(pk=visit_id, block__in=visit_blocks_visible_to(user))
        .select_related("block", "pregnancy__resident__municipality")
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def nurses_visible_to(user: User | AnonymousUser) -> QuerySet[Nurse]:
    """Herself, nurses at sites she manages, every nurse of a municipality she administers."""
    scope = scope_for(user)
    condition = Q(pk__in=[])
    if scope.nurse_id is not None:
        condition |= Q(pk=scope.nurse_id)
    if scope.manager_site_ids:
        condition |= Q(sites__in=scope.manager_site_ids)
    if scope.admin_municipality_ids:
        condition |= Q(municipality_id__in=scope.admin_municipality_ids)
    return Nurse.objects.filter(condition).distinct()


# --- A nurse's hours (staff pages and API alike) ------------------------------------------------
# Settled once: a nurse reads and writes her own weekly hours and time off at the sites where she
# works; her site manager and the municipality's administrators read and write those of nurses
# at their sites. Every change goes through the schedule services (stranded-bookings check,
# BookingEvent with the actor), so a nurse cannot silently strand a resident's booking.


def access_nurse_schedule(user: User | AnonymousUser, nurse_id: int | None) -> Nurse | None:
    """The nurse whose hours she reads and writes: the one asked for (access_nurse), else
    herself. None: she is no nurse and asked for nobody (a manager picks a nurse first)."""
    if nurse_id is None:
        nurse_id = scope_for(user).nurse_id
    if nurse_id is None:
        return None
    return access_nurse(user, nurse_id)


def access_rule(user: User | AnonymousUser, rule_id: int) -> AvailabilityRule:
    """A weekly rule of a nurse whose hours she may edit, at a site she may edit; else 404."""
    rule = AvailabilityRule.objects.filter(pk=rule_id).select_related("nurse").first()
    if rule is None:
        raise Http404
    nurse = access_nurse(user, rule.nurse_id)
    access_rule_site(user, nurse, rule.site_id)
    return rule


def access_time_off(user: User | AnonymousUser, time_off_id: int) -> TimeOff:
    """Time off of a nurse whose hours she may edit; else 404."""
    off = TimeOff.objects.filter(pk=time_off_id).first()
    if off is None:
        raise Http404
    access_nurse(user, off.nurse_id)
    return off


# --- Configuration: municipality administrators of that municipality ---------------------------


def _owned_as_admin[M: models.Model](model: type[M], user: User | AnonymousUser, pk: int) -> M:
    """A configuration row of a municipality she administers; 404 otherwise."""
    admin_of = scope_for(user).admin_municipality_ids
    row = model._default_manager.filter(pk=pk, municipality_id__in=admin_of).first()
    if row is None:
        raise Http404
    return row


def access_site_as_admin(user: User | AnonymousUser, site_id: int) -> Site:
    return _owned_as_admin(Site, user, site_id)


def access_interview_type_as_admin(user: User | AnonymousUser, type_id: int) -> InterviewType:
    return _owned_as_admin(InterviewType, user, type_id)


def access_closure_as_admin(user: User | AnonymousUser, closure_id: int) -> SiteClosure:
    return _owned_as_admin(SiteClosure, user, closure_id)


def access_site_for_booking(user: User | AnonymousUser, site_id: int) -> Site:
    """An open site of her own municipality (a resident) or of one she works for (staff)."""
    scope = scope_for(user)
    allowed = set(scope.municipality_ids)
    if scope.resident_id is not None:
        allowed.add(user.resident.municipality_id)  # type: ignore[union-attr]
    site = (
        Site.objects.filter(pk=site_id, is_active=True, municipality_id__in=allowed)
        .select_related("municipality")
        .first()
    )
    if site is None:
        raise Http404
    return site


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


# --- Pregnancy notifications (issue 16) ---------------------------------------------------------


def access_notification_import(
    user: User | AnonymousUser, municipality_code: str | None = None
) -> Municipality:
    """The municipality whose pregnancy notifications she may import (CSV page, API): one she
    administers (an integration token administers its own). The one named, else her first;
    404 when she administers none, or not the one named."""
    ids = scope_for(user).admin_municipality_ids
    found = Municipality.objects.filter(pk__in=ids)
    if municipality_code:
        found = found.filter(code=municipality_code)
    municipality = found.order_by("pk").first()
    if municipality is None:
        raise Http404
    return municipality


def follow_up_scope(user: User | AnonymousUser) -> tuple[frozenset[int], frozenset[int]]:
    """The follow-up list (フォロー一覧, issue 16) she may see: every staff member (nurse, manager,
    administrator) sees her municipality's notified pregnancies nobody has booked yet (they have
    no site until they book; any of its nurses may call), and the missed interviews at the sites
    she sees as staff. (municipality ids, site ids); both empty for anyone else."""
    scope = scope_for(user)
    if not scope.is_staff:
        return frozenset(), frozenset()
    municipality_ids = scope.municipality_ids | scope.admin_municipality_ids
    return frozenset(municipality_ids), scope.site_ids


def access_follow_up_pregnancy(user: User | AnonymousUser, pregnancy_id: int) -> Pregnancy:
    """A pregnancy she may follow up (record call-backs for): one notified in her municipality,
    or one that missed an interview at a site she sees as staff (follow_up_scope); else 404."""
    municipality_ids, site_ids = follow_up_scope(user)
    pregnancy = (
        Pregnancy.objects.filter(pk=pregnancy_id)
        .filter(
            Q(notification__municipality_id__in=municipality_ids)
            | Q(bookings__status=Booking.Status.NO_SHOW, bookings__site_id__in=site_ids)
            # A flagged questionnaire of her municipality (scheduling.worklist's third section).
            | Q(
                questionnaire_responses__status="submitted",
                questionnaire_responses__questionnaire__contact__municipality_id__in=municipality_ids,
                questionnaire_responses__answers__choices__is_flag=True,
            )
        )
        .select_related("resident")
        .distinct()
        .first()
    )
    if pregnancy is None:
        raise Http404
    return pregnancy


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


def access_questionnaire_contact_as_admin(user: User | AnonymousUser, contact_id: int) -> Contact:
    """A questionnaire contact (issue 16) of a municipality she administers; else 404."""
    from .contact_models import Contact

    contact = Contact.objects.filter(
        pk=contact_id,
        kind=Contact.Kind.QUESTIONNAIRE,
        municipality_id__in=scope_for(user).admin_municipality_ids,
    ).first()
    if contact is None:
        raise Http404
    return contact


def access_question_as_admin(user: User | AnonymousUser, question_id: int) -> Question:
    """A question of a questionnaire of a municipality she administers; else 404."""
    from .questionnaire_models import Question

    question = (
        Question.objects.filter(
            pk=question_id,
            questionnaire__contact__municipality_id__in=scope_for(user).admin_municipality_ids,
        )
        .select_related("questionnaire__contact")
        .first()
    )
    if question is None:
        raise Http404
    return question


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


def waitlist_entries_visible_to(user: User | AnonymousUser) -> QuerySet[WaitlistEntry]:
    """The waitlist as staff see it: entries asking for one of the sites of their scope."""
    from .waitlist_models import WaitlistEntry

    scope = scope_for(user)
    if not scope.is_staff or not scope.site_ids:
        return WaitlistEntry.objects.none()
    return WaitlistEntry.objects.filter(sites__in=scope.site_ids).distinct()
