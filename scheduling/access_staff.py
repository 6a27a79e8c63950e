"""Access to what staff manage (part of scheduling.access).

Import these from scheduling.access, the one place that decides access. Here: sites, nurses and
their hours, municipality configuration, calendars and feeds, webhook deliveries, a pregnancy's
timeline, home visits, notification imports, the follow-up list, questionnaires and the
waitlist as staff see them. Not found and not allowed are both Http404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from .access_scope import follow_up_scope, manager_site_ids, scope_for
from .models import (
    AvailabilityRule,
    Booking,
    InterviewType,
    Municipality,
    Nurse,
    Pregnancy,
    Site,
    SiteClosure,
    TimeOff,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from notifications.webhook_models import WebhookDelivery

    from .contact_models import Contact
    from .home_visit_models import HomeVisit, VisitBlock
    from .models import ExternalCalendar, User
    from .questionnaire_models import Question
    from .waitlist_models import WaitlistEntry


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


def access_contact_as_admin(user: User | AnonymousUser, contact_id: int) -> Contact:
    """A contact (issue 15) of a municipality she administers, to configure; else 404."""
    from .contact_models import Contact

    return _owned_as_admin(Contact, user, contact_id)


# --- Pregnancy notifications, follow-up, questionnaires, waitlist (issue 16) ---------------------


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


def waitlist_entries_visible_to(user: User | AnonymousUser) -> QuerySet[WaitlistEntry]:
    """The waitlist as staff see it: entries asking for one of the sites of their scope."""
    from .waitlist_models import WaitlistEntry

    scope = scope_for(user)
    if not scope.is_staff or not scope.site_ids:
        return WaitlistEntry.objects.none()
    return WaitlistEntry.objects.filter(sites__in=scope.site_ids).distinct()
