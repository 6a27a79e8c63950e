"""Call-back tasks (issue 16 item 3): recording a nurse's attempt to reach her. The first attempt
opens the pregnancy's task; an outcome of booked, declined or moved away closes it. "Booked" is
only recorded once a booking exists (staff book for her first, on the staff booking page)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yurikago.errors import DomainError

from .followup_models import FollowUpAttempt, FollowUpTask
from .models import Booking, Pregnancy, User

Outcome = FollowUpAttempt.Outcome
CLOSING = {
    Outcome.BOOKED: FollowUpTask.CloseReason.BOOKED,
    Outcome.DECLINED: FollowUpTask.CloseReason.DECLINED,
    Outcome.MOVED_AWAY: FollowUpTask.CloseReason.MOVED_AWAY,
}
BOOKED = (Booking.Status.HELD, Booking.Status.CONFIRMED, Booking.Status.ATTENDED)


def _missed_booking(pregnancy: Pregnancy) -> Booking | None:
    return (
        Booking.objects.filter(pregnancy=pregnancy, status=Booking.Status.NO_SHOW)
        .order_by("-start")
        .first()
    )


def _reason(pregnancy: Pregnancy, missed: Booking | None) -> str:
    """Why she is being called: a missed interview, else a flagged questionnaire not yet
    followed up (the worklist's third section), else notified and not booked."""
    from .questionnaire_models import QuestionnaireResponse

    if missed is not None:
        return FollowUpTask.Reason.MISSED
    handled = FollowUpTask.objects.filter(
        pregnancy=pregnancy, closed_at__gte=OuterRef("submitted_at")
    )
    flagged = (
        QuestionnaireResponse.objects.filter(
            pregnancy=pregnancy,
            status=QuestionnaireResponse.Status.SUBMITTED,
            answers__choices__is_flag=True,
        )
        .filter(~Exists(handled))
        .exists()
    )
    return FollowUpTask.Reason.FLAGGED if flagged else FollowUpTask.Reason.NOT_BOOKED


def is_booked(pregnancy: Pregnancy, now: dt.datetime) -> bool:
    return (
        Booking.objects.filter(pregnancy=pregnancy, status__in=BOOKED)
        .exclude(status=Booking.Status.HELD, expires_at__lte=now)
        .exists()
    )


def follow_up_attempt_record(
    *,
    pregnancy: Pregnancy,
    how: str,
    outcome: str,
    note: str = "",
    by: User | None,
    now: dt.datetime | None = None,
) -> FollowUpAttempt:
    """Record one attempt on her open task (opened now if there is none) and close the task when
    the outcome ends the follow-up."""
    now = now or timezone.now()
    if outcome == Outcome.BOOKED and not is_booked(pregnancy, now):
        raise DomainError(
            "invalid",
            _("Book her interview first, then record the call as booked."),
            field="outcome",
        )
    with transaction.atomic():
        Pregnancy.objects.select_for_update().filter(pk=pregnancy.pk).first()
        task = FollowUpTask.objects.filter(pregnancy=pregnancy, closed_at__isnull=True).first()
        if task is None:
            missed = _missed_booking(pregnancy)
            task = FollowUpTask.objects.create(
                pregnancy=pregnancy,
                reason=_reason(pregnancy, missed),
                booking=missed,
                opened_at=now,
            )
        attempt = FollowUpAttempt.objects.create(
            task=task, at=now, how=how, outcome=outcome, note=note[:1000], by=by
        )
        close = CLOSING.get(Outcome(outcome))
        if close is not None:
            task.closed_at, task.close_reason = now, close
            task.save(update_fields=["closed_at", "close_reason"])
    return attempt
