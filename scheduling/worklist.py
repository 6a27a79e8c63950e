"""The nurses' follow-up list (フォロー一覧, issue 16): who has not been reached, oldest first, each
with its age in days.

- Notified, not booked: a pregnancy notification at least N days old (settings
  FOLLOW_UP_NOT_BOOKED_DAYS, 14 by default; the page may ask for another N) whose pregnancy is
  ongoing and has no booking that is held, confirmed or attended, and whose contact at the
  notification was not recorded done, declined or not needed. Age: days since the notification.
- Missed interview (欠席): a booking marked no-show (possible only after its start,
  services.booking_mark_attendance) with no later booking held, confirmed or attended for the
  pregnancy. Age: days since the interview.

- Flagged questionnaire: a submitted questionnaire (scheduling.questionnaire_models) with an
  answer the administrator marked as a flag, for an ongoing pregnancy, until a call-back task of
  hers is closed after it was sent. Per municipality, as the notified section. Age: days since
  it was sent. The entry names no answer: they are on the timeline, access-logged.

- Invitation undeliverable: an invitation (scheduling.invitation_models) that reached her by no
  channel: every message of it failed for good (a wrong number, a blocked LINE, a bounced
  address, after the fallbacks), or she had no channel at all. For an ongoing pregnancy whose
  contact is neither booked nor closed, until a call-back task of hers is closed after it. Per
  municipality. Age: days since the invitation.

Reads only, in a fixed number of queries whatever the size: two per section (the rows, up to
`limit`, and the count), and one for the attempts on the open call-back tasks of those shown.
A pregnancy whose call-back task closed as declined or moved away is off the list.

Who may see which entries is decided in scheduling.access (`follow_up_scope`): the notified
section is per municipality (she has no site until she books), the missed section per site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from .contact_models import Contact, PregnancyContact
from .followup_models import FollowUpAttempt, FollowUpTask
from .models import Booking, Pregnancy, Resident

NOT_BOOKED_DAYS = 14
LIMIT = 200
BOOKED = (Booking.Status.HELD, Booking.Status.CONFIRMED, Booking.Status.ATTENDED)
CLOSED = (
    PregnancyContact.Status.DONE,
    PregnancyContact.Status.DECLINED,
    PregnancyContact.Status.NOT_NEEDED,
)


@dataclass(frozen=True)
class FollowUp:
    reason: str  # "not_booked" | "missed" | "flagged" | "undeliverable"
    pregnancy_id: int
    resident: Resident
    since: dt.date
    age_days: int
    district: str
    site_name: str = ""
    booking_reference: str = ""
    attempts: tuple[FollowUpAttempt, ...] = ()

    @property
    def last_attempt(self) -> FollowUpAttempt | None:
        return self.attempts[-1] if self.attempts else None


@dataclass(frozen=True)
class Worklist:
    not_booked: list[FollowUp]
    not_booked_count: int
    missed: list[FollowUp]
    missed_count: int
    days: int
    flagged: list[FollowUp] = field(default_factory=list)
    flagged_count: int = 0
    undeliverable: list[FollowUp] = field(default_factory=list)
    undeliverable_count: int = 0

    @property
    def entries(self) -> list[FollowUp]:
        return [*self.not_booked, *self.missed, *self.flagged, *self.undeliverable]


def not_booked_days() -> int:
    return int(getattr(settings, "FOLLOW_UP_NOT_BOOKED_DAYS", NOT_BOOKED_DAYS))


def _ended_follow_up(pregnancy_ref: str) -> QuerySet[FollowUpTask]:
    """A call-back task closed because she declined or moved away: nothing more to follow up."""
    return FollowUpTask.objects.filter(
        pregnancy=OuterRef(pregnancy_ref),
        close_reason__in=[
            FollowUpTask.CloseReason.DECLINED,
            FollowUpTask.CloseReason.MOVED_AWAY,
        ],
    )


def _attempts_by_pregnancy(pregnancy_ids: set[int]) -> dict[int, list[FollowUpAttempt]]:
    """Each pregnancy's attempts on its open call-back task, in order (one query)."""
    found: dict[int, list[FollowUpAttempt]] = {}
    attempts = (
        FollowUpAttempt.objects.filter(
            task__pregnancy_id__in=pregnancy_ids, task__closed_at__isnull=True
        )
        .select_related("task")
        .order_by("at", "pk")
    )
    for attempt in attempts:
        found.setdefault(attempt.task.pregnancy_id, []).append(attempt)
    return found


def _not_booked(
    municipality_ids: frozenset[int], today: dt.date, days: int, district: str | None
) -> QuerySet[Pregnancy]:
    booked = Booking.objects.filter(pregnancy=OuterRef("pk"), status__in=BOOKED).exclude(
        status=Booking.Status.HELD, expires_at__lte=timezone.now()
    )
    closed = PregnancyContact.objects.filter(
        pregnancy=OuterRef("pk"),
        status__in=CLOSED,
        contact__due_basis=Contact.DueBasis.NOTIFICATION,
    )
    query = Pregnancy.objects.filter(
        notification__municipality_id__in=municipality_ids,
        notification__notified_on__lte=today - dt.timedelta(days=days),
        is_active=True,
    ).filter(~Exists(booked), ~Exists(closed), ~Exists(_ended_follow_up("pk")))
    if district:
        query = query.filter(notification__district=district)
    return query


def _missed(
    site_ids: frozenset[int], municipality_ids: frozenset[int], district: str | None
) -> QuerySet[Booking]:
    later = Booking.objects.filter(
        pregnancy=OuterRef("pregnancy_id"), status__in=BOOKED, start__gt=OuterRef("start")
    ).exclude(status=Booking.Status.HELD, expires_at__lte=timezone.now())
    query = Booking.objects.filter(
        status=Booking.Status.NO_SHOW,
        site_id__in=site_ids,
        site__municipality_id__in=municipality_ids,
        pregnancy__is_active=True,
    ).filter(~Exists(later), ~Exists(_ended_follow_up("pregnancy_id")))
    if district:
        query = query.filter(pregnancy__notification__district=district)
    return query


def _flagged(municipality_ids: frozenset[int], district: str | None) -> QuerySet[Any]:
    from .questionnaire_models import QuestionnaireResponse

    handled = FollowUpTask.objects.filter(
        pregnancy=OuterRef("pregnancy_id"), closed_at__gte=OuterRef("submitted_at")
    )
    query = (
        QuestionnaireResponse.objects.filter(
            status=QuestionnaireResponse.Status.SUBMITTED,
            questionnaire__contact__municipality_id__in=municipality_ids,
            pregnancy__is_active=True,
            answers__choices__is_flag=True,
        )
        .filter(~Exists(handled), ~Exists(_ended_follow_up("pregnancy_id")))
        .distinct()
    )
    if district:
        query = query.filter(pregnancy__notification__district=district)
    return query


def _undeliverable(
    municipality_ids: frozenset[int], district: str | None, now: dt.datetime
) -> QuerySet[Any]:
    from notifications.models import Message

    from .invitation_models import Invitation
    from .invitation_selectors import not_acted

    # Each invitation's rows carry "inv-<id>" (notifications.invitation_rules): read as ids in
    # two uncorrelated subqueries, each evaluated once, not a string match per invitation.
    rows = Message.objects.filter(purpose=Message.Purpose.INVITATION).annotate(
        invitation_id=Cast(Substr("occurrence", 5), IntegerField())
    )
    failed = rows.filter(status=Message.Status.FAILED).values("invitation_id")
    reached = rows.exclude(status__in=[Message.Status.FAILED, Message.Status.CANCELLED]).values(
        "invitation_id"
    )
    handled = FollowUpTask.objects.filter(
        pregnancy=OuterRef("pregnancy_id"), closed_at__gte=OuterRef("created_at")
    )
    query = not_acted(
        Invitation.objects.filter(pregnancy__resident__municipality_id__in=municipality_ids)
        .filter(Q(queued=False) | Q(pk__in=failed) & ~Q(pk__in=reached))
        .filter(~Exists(handled), ~Exists(_ended_follow_up("pregnancy_id"))),
        now,
    )
    if district:
        query = query.filter(pregnancy__notification__district=district)
    return query


def follow_up_list(
    *,
    municipality_ids: frozenset[int],
    site_ids: frozenset[int],
    today: dt.date,
    tz: dt.tzinfo,
    days: int | None = None,
    district: str | None = None,
    limit: int = LIMIT,
) -> Worklist:
    """The follow-up list of these municipalities (notified, not booked) and sites (missed),
    optionally of one district, oldest first; nine queries."""
    days = not_booked_days() if days is None else days
    not_booked = _not_booked(municipality_ids, today, days, district)
    missed = _missed(site_ids, municipality_ids, district)
    not_booked_rows = [
        FollowUp(
            reason="not_booked",
            pregnancy_id=p.pk,
            resident=p.resident,
            since=p.notification.notified_on,
            age_days=(today - p.notification.notified_on).days,
            district=p.notification.district,
        )
        for p in not_booked.select_related("resident", "notification").order_by(
            "notification__notified_on", "pk"
        )[:limit]
    ]
    missed_rows = []
    for booking in missed.select_related(
        "pregnancy__resident", "pregnancy__notification", "site"
    ).order_by("start", "pk")[:limit]:
        pregnancy = booking.pregnancy
        assert pregnancy is not None  # filtered on pregnancy__is_active
        notification = getattr(pregnancy, "notification", None)
        day = booking.start.astimezone(tz).date()
        missed_rows.append(
            FollowUp(
                reason="missed",
                pregnancy_id=pregnancy.pk,
                resident=pregnancy.resident,
                since=day,
                age_days=(today - day).days,
                district=notification.district if notification else "",
                site_name=booking.site.name,
                booking_reference=booking.reference,
            )
        )
    flagged = _flagged(municipality_ids, district)
    flagged_rows = []
    for response in flagged.select_related(
        "pregnancy__resident", "pregnancy__notification"
    ).order_by("submitted_at", "pk")[:limit]:
        notification = getattr(response.pregnancy, "notification", None)
        day = response.submitted_at.astimezone(tz).date()
        flagged_rows.append(
            FollowUp(
                reason="flagged",
                pregnancy_id=response.pregnancy_id,
                resident=response.pregnancy.resident,
                since=day,
                age_days=(today - day).days,
                district=notification.district if notification else "",
            )
        )
    undeliverable = _undeliverable(municipality_ids, district, timezone.now())
    undeliverable_rows = []
    for invitation in undeliverable.select_related(
        "pregnancy__resident", "pregnancy__notification"
    ).order_by("created_at", "pk")[:limit]:
        notification = getattr(invitation.pregnancy, "notification", None)
        day = invitation.created_at.astimezone(tz).date()
        undeliverable_rows.append(
            FollowUp(
                reason="undeliverable",
                pregnancy_id=invitation.pregnancy_id,
                resident=invitation.pregnancy.resident,
                since=day,
                age_days=(today - day).days,
                district=notification.district if notification else "",
            )
        )
    attempts = _attempts_by_pregnancy(
        {
            e.pregnancy_id
            for e in [*not_booked_rows, *missed_rows, *flagged_rows, *undeliverable_rows]
        }
    )
    undeliverable_rows = [
        replace(e, attempts=tuple(attempts.get(e.pregnancy_id, ()))) for e in undeliverable_rows
    ]
    flagged_rows = [
        replace(e, attempts=tuple(attempts.get(e.pregnancy_id, ()))) for e in flagged_rows
    ]
    not_booked_rows = [
        replace(e, attempts=tuple(attempts.get(e.pregnancy_id, ()))) for e in not_booked_rows
    ]
    missed_rows = [
        replace(e, attempts=tuple(attempts.get(e.pregnancy_id, ()))) for e in missed_rows
    ]
    return Worklist(
        not_booked=not_booked_rows,
        not_booked_count=not_booked.count(),
        missed=missed_rows,
        missed_count=missed.count(),
        days=days,
        flagged=flagged_rows,
        flagged_count=flagged.count(),
        undeliverable=undeliverable_rows,
        undeliverable_count=undeliverable.count(),
    )


def follow_up_districts(municipality_ids: frozenset[int]) -> list[str]:
    """The districts her municipalities' notifications name (for the filter), one query."""
    from .models import PregnancyNotification

    return list(
        PregnancyNotification.objects.filter(municipality_id__in=municipality_ids)
        .exclude(district="")
        .values_list("district", flat=True)
        .distinct()
        .order_by("district")
    )
