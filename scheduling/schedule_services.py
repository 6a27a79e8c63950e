"""Writes for a nurse's working hours: weekly availability rules and time off.

Each service validates, checks which confirmed bookings the change would strand (leave outside
her hours, or inside her time off), and refuses with StrandedBookingsError listing them unless the
caller passes confirm_stranded=True: a nurse must choose to move those bookings or keep them,
never lose them silently. Kept bookings get an event in their log.

History is kept: a rule that was already in effect is not rewritten or deleted, it is ended
yesterday (and a new one starts today), so capacity reports for past periods do not change.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from yurikago.errors import DomainError

from .availability import availability_changed, time_off_occurrences
from .models import AvailabilityRule, Booking, BookingEvent, Nurse, Site, TimeOff

if TYPE_CHECKING:
    from .models import User

log = logging.getLogger(__name__)
MAX_WEEKLY_TIME_OFF = dt.timedelta(days=7)
Interval = tuple[dt.datetime, dt.datetime]


class StrandedBookingsError(DomainError):
    """The change would leave confirmed bookings outside her hours; they are in `bookings`."""

    def __init__(self, bookings: Sequence[Booking]) -> None:
        count = len(bookings)
        message = ngettext(
            "This change would leave %(count)d confirmed booking outside the nurse's hours.",
            "This change would leave %(count)d confirmed bookings outside the nurse's hours.",
            count,
        ) % {"count": count}
        super().__init__("stranded_bookings", message)
        self.bookings = list(bookings)


def _invalid(message: object, field: str | None = None) -> DomainError:
    return DomainError("invalid", message, field=field)  # type: ignore[arg-type]


# --- Coverage (pure) ----------------------------------------------------------------------------


def _covered(booking: Booking, rules: Iterable[AvailabilityRule], tz: dt.tzinfo) -> bool:
    start = booking.start.astimezone(tz)
    end = booking.end.astimezone(tz)
    day = start.date()
    in_person = booking.mode == "in_person"
    return any(
        r.site_id == booking.site_id
        and not (r.remote and in_person)  # remote hours never serve an in-person interview
        and r.weekday == day.weekday()
        and r.valid_from <= day
        and (r.valid_to is None or r.valid_to >= day)
        and r.start_time <= start.time()
        and (end.date() == day and end.time() <= r.end_time)
        for r in rules
    )


def _overlaps_any(booking: Booking, intervals: Iterable[Interval]) -> bool:
    return any(s < booking.end and e > booking.start for s, e in intervals)


def _future_bookings(nurse: Nurse, now: dt.datetime) -> list[Booking]:
    return list(
        Booking.objects.filter(nurse=nurse, status=Booking.Status.CONFIRMED, start__gte=now)
        .select_related("site")
        .order_by("start")
    )


def _stranded_by_rules(
    nurse: Nurse, before: list[AvailabilityRule], after: list[AvailabilityRule], now: dt.datetime
) -> list[Booking]:
    """Bookings inside her hours before the change and outside them after it."""
    tz = nurse.municipality.tz
    return [
        b
        for b in _future_bookings(nurse, now)
        if _covered(b, before, tz) and not _covered(b, after, tz)
    ]


def _stranded_by_time_off(
    nurse: Nurse, new: TimeOff, old: TimeOff | None, now: dt.datetime
) -> list[Booking]:
    bookings = _future_bookings(nurse, now)
    if not bookings:
        return []
    until, tz = bookings[-1].end, nurse.municipality.tz
    new_away = time_off_occurrences(new, until=until, tz=tz)
    old_away = time_off_occurrences(old, until=until, tz=tz) if old else []
    return [b for b in bookings if _overlaps_any(b, new_away) and not _overlaps_any(b, old_away)]


def _keep(bookings: Sequence[Booking], actor: User | None, **data: object) -> None:
    """She chose to keep these bookings although they now fall outside her hours: say so."""
    BookingEvent.objects.bulk_create(
        [
            BookingEvent(
                booking=b,
                kind=BookingEvent.Kind.UPDATED,
                actor=actor,
                actor_is_staff=True,
                data={"kept_outside_hours": True, **data},
            )
            for b in bookings
        ]
    )


def _lock_nurse_sites(nurse: Nurse) -> None:
    # The booking service locks the site row before it books (services._lock_site): taking the
    # same locks here means no booking lands on hours that are being removed at this moment.
    # In id order, so two edits for nurses sharing sites never wait on each other crosswise.
    list(Site.objects.select_for_update().filter(nurses=nurse).order_by("pk").values_list("pk"))


def _check_or_keep(
    stranded: list[Booking], confirm_stranded: bool, actor: User | None, **data: object
) -> None:
    if stranded and not confirm_stranded:
        raise StrandedBookingsError(stranded)
    if stranded:
        _keep(stranded, actor, **data)


# --- Weekly availability rules ------------------------------------------------------------------


def _validate_rule(
    *,
    nurse: Nurse,
    site: Site,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    valid_from: dt.date,
    valid_to: dt.date | None,
    exclude_pk: int | None = None,
) -> None:
    if site.municipality_id != nurse.municipality_id or not nurse.sites.filter(pk=site.pk).exists():
        raise _invalid(_("The nurse does not work at this site."), "site")
    if not 0 <= weekday <= 6:
        raise _invalid(_("Choose a day of the week."), "weekday")
    if end_time <= start_time:
        raise _invalid(_("The end time must be after the start time."), "end_time")
    if valid_to is not None and valid_to < valid_from:
        raise _invalid(_("“Valid until” must not be before “valid from”."), "valid_to")
    others = AvailabilityRule.objects.filter(
        nurse=nurse, weekday=weekday, start_time__lt=end_time, end_time__gt=start_time
    )
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if valid_to is not None:
        others = others.filter(valid_from__lte=valid_to)
    clash = others.exclude(valid_to__lt=valid_from).select_related("site").first()
    if clash is not None:
        raise _invalid(
            _("This overlaps her hours %(start)s–%(end)s at %(site)s on the same day.")
            % {
                "start": clash.start_time.strftime("%H:%M"),
                "end": clash.end_time.strftime("%H:%M"),
                "site": clash.site.name,
            },
            "start_time",
        )


def availability_rule_create(
    *,
    nurse: Nurse,
    site: Site,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    remote: bool = False,
    actor: User | None,
    confirm_stranded: bool = False,
    now: dt.datetime | None = None,
) -> AvailabilityRule:
    """Add a weekly range (remote: for video and phone interviews only). Adding hours strands
    nothing, so confirm_stranded is accepted for a uniform signature only."""
    del confirm_stranded, now
    with transaction.atomic():
        _lock_nurse_sites(nurse)
        _validate_rule(
            nurse=nurse,
            site=site,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        rule = AvailabilityRule.objects.create(
            nurse=nurse,
            site=site,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            valid_from=valid_from,
            valid_to=valid_to,
            remote=remote,
        )
        availability_changed()
    log.info("rule %s created for nurse %s by user %s", rule.pk, nurse.pk, _pk(actor))
    return rule


def availability_rule_update(
    *,
    rule: AvailabilityRule,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    remote: bool | None = None,
    actor: User | None,
    confirm_stranded: bool = False,
    now: dt.datetime | None = None,
) -> AvailabilityRule:
    """Change a weekly range (remote None: as it was); returns the rule now in effect (a new
    one if history was kept)."""
    now = now or timezone.now()
    nurse = Nurse.objects.select_related("municipality").get(pk=rule.nurse_id)
    today = now.astimezone(nurse.municipality.tz).date()
    with transaction.atomic():
        _lock_nurse_sites(nurse)
        # of=("self",): the rule row only; the joined site is already locked above.
        rule = (
            AvailabilityRule.objects.select_for_update(of=("self",))
            .select_related("site")
            .get(pk=rule.pk)
        )
        _validate_rule(
            nurse=nurse,
            site=rule.site,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            valid_from=valid_from,
            valid_to=valid_to,
            exclude_pk=rule.pk,
        )
        before = list(AvailabilityRule.objects.filter(nurse=nurse))
        remote = rule.remote if remote is None else remote
        shape_changed = (weekday, start_time, end_time, remote) != (
            rule.weekday,
            rule.start_time,
            rule.end_time,
            rule.remote,
        ) or valid_from != rule.valid_from
        keep_history = shape_changed and rule.valid_from < today
        changed = AvailabilityRule(
            pk=None if keep_history else rule.pk,
            nurse=nurse,
            site=rule.site,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            valid_from=max(valid_from, today) if keep_history else valid_from,
            valid_to=valid_to,
            remote=remote,
        )
        if keep_history:
            ended = AvailabilityRule(
                pk=rule.pk,
                nurse=nurse,
                site=rule.site,
                weekday=rule.weekday,
                start_time=rule.start_time,
                end_time=rule.end_time,
                valid_from=rule.valid_from,
                valid_to=today - dt.timedelta(days=1),
                remote=rule.remote,
            )
            after = [r for r in before if r.pk != rule.pk] + [ended, changed]
        else:
            after = [r for r in before if r.pk != rule.pk] + [changed]
        _check_or_keep(
            _stranded_by_rules(nurse, before, after, now), confirm_stranded, actor, rule=rule.pk
        )
        availability_changed()
        if keep_history:
            rule.valid_to = today - dt.timedelta(days=1)
            rule.save(update_fields=["valid_to"])
            if changed.valid_to is not None and changed.valid_to < changed.valid_from:
                return rule  # the change only ended it
        changed.save()
    log.info("rule %s changed (now %s) by user %s", rule.pk, changed.pk, _pk(actor))
    return changed


def availability_rule_delete(
    *,
    rule: AvailabilityRule,
    actor: User | None,
    confirm_stranded: bool = False,
    now: dt.datetime | None = None,
) -> None:
    """Remove a weekly range from today on (a rule already in effect is ended yesterday)."""
    now = now or timezone.now()
    nurse = Nurse.objects.select_related("municipality").get(pk=rule.nurse_id)
    today = now.astimezone(nurse.municipality.tz).date()
    with transaction.atomic():
        _lock_nurse_sites(nurse)
        rule = AvailabilityRule.objects.select_for_update().get(pk=rule.pk)
        before = list(AvailabilityRule.objects.filter(nurse=nurse))
        after = [r for r in before if r.pk != rule.pk]
        _check_or_keep(
            _stranded_by_rules(nurse, before, after, now), confirm_stranded, actor, rule=rule.pk
        )
        if rule.valid_from < today:
            if rule.valid_to is None or rule.valid_to >= today:
                rule.valid_to = today - dt.timedelta(days=1)
                rule.save(update_fields=["valid_to"])
        else:
            rule.delete()
        availability_changed()
    log.info("rule %s removed by user %s", rule.pk, _pk(actor))


# --- Time off -----------------------------------------------------------------------------------


def _validate_time_off(
    start: dt.datetime, end: dt.datetime, weekly_until: dt.date | None, reason: str
) -> None:
    if end <= start:
        raise _invalid(_("The end must be after the start."), "end")
    if weekly_until is not None:
        if weekly_until < start.date():
            raise _invalid(_("“Repeat weekly until” must not be before the start."), "weekly_until")
        if end - start > MAX_WEEKLY_TIME_OFF:
            raise _invalid(_("Time off that repeats weekly must be shorter than a week."), "end")
    if len(reason) > 200:
        raise _invalid(_("The reason is too long (200 characters at most)."), "reason")


def time_off_create(
    *,
    nurse: Nurse,
    start: dt.datetime,
    end: dt.datetime,
    weekly_until: dt.date | None = None,
    reason: str = "",
    actor: User | None,
    confirm_stranded: bool = False,
    now: dt.datetime | None = None,
) -> TimeOff:
    """A day, a range, or the same hours every week until `weekly_until`."""
    now = now or timezone.now()
    _validate_time_off(start, end, weekly_until, reason)
    off = TimeOff(nurse=nurse, start=start, end=end, weekly_until=weekly_until, reason=reason)
    with transaction.atomic():
        _lock_nurse_sites(nurse)
        _check_or_keep(
            _stranded_by_time_off(nurse, off, None, now), confirm_stranded, actor, time_off=True
        )
        off.save()
        availability_changed()
    log.info("time off %s created for nurse %s by user %s", off.pk, nurse.pk, _pk(actor))
    return off


def time_off_update(
    *,
    time_off: TimeOff,
    start: dt.datetime,
    end: dt.datetime,
    weekly_until: dt.date | None = None,
    reason: str = "",
    actor: User | None,
    confirm_stranded: bool = False,
    now: dt.datetime | None = None,
) -> TimeOff:
    now = now or timezone.now()
    _validate_time_off(start, end, weekly_until, reason)
    with transaction.atomic():
        old = (
            # of=("self",): locking the joined municipality would block every booking insert
            # there (their foreign keys take key-share locks on it).
            TimeOff.objects.select_for_update(of=("self",))
            .select_related("nurse__municipality")
            .get(pk=time_off.pk)
        )
        _lock_nurse_sites(old.nurse)
        new = TimeOff(
            pk=old.pk,
            nurse=old.nurse,
            start=start,
            end=end,
            weekly_until=weekly_until,
            reason=reason,
        )
        _check_or_keep(
            _stranded_by_time_off(old.nurse, new, old, now),
            confirm_stranded,
            actor,
            time_off=old.pk,
        )
        new.save()
        availability_changed()
    log.info("time off %s changed by user %s", new.pk, _pk(actor))
    return new


def time_off_delete(*, time_off: TimeOff, actor: User | None) -> None:
    """Coming back to work strands nothing."""
    pk = time_off.pk
    TimeOff.objects.filter(pk=pk).delete()
    availability_changed()
    log.info("time off %s removed by user %s", pk, _pk(actor))


def _pk(user: User | None) -> object:
    return getattr(user, "pk", None)
