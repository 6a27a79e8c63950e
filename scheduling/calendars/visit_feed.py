"""A nurse's home visits in her secret feed (issue 15): each confirmed visit as "訪問 (district)"
at its time. Never the address, her name or anything about her: feeds are stored on Google's,
Microsoft's and Apple's servers. The link leads into the staff portal's visits page, behind the
sign-in, where the address is.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling.home_visit_models import HomeVisit
from scheduling.models import Nurse

from .feeds import _escape, _utc


def _since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=settings.CALENDAR_FEED_PAST_DAYS)


def _visits(nurse: Nurse, now: dt.datetime) -> QuerySet[HomeVisit]:
    return HomeVisit.objects.filter(
        block__nurse=nurse, status=HomeVisit.Status.CONFIRMED, start__gte=_since(now)
    )


def with_visit_summary(nurses: QuerySet[Nurse]) -> QuerySet[Nurse]:
    """Her confirmed visits' count and latest change, in the query that finds her by her token:
    a 304 and a feed without visits cost no query more than before visits existed."""
    confirmed = Q(
        visit_blocks__visits__status=HomeVisit.Status.CONFIRMED,
        visit_blocks__visits__start__gte=_since(timezone.now()),
    )
    return nurses.annotate(
        feed_visits=Count("visit_blocks__visits", filter=confirmed),
        feed_visits_changed=Max("visit_blocks__visits__updated_at", filter=confirmed),
    )


def visits_etag_part(nurse: Nurse, now: dt.datetime) -> str:
    """What changes the feed's ETag when her visits change (annotated by with_visit_summary,
    else one aggregate query)."""
    latest: dt.datetime | None
    if hasattr(nurse, "feed_visits"):
        n, latest = getattr(nurse, "feed_visits", 0), getattr(nurse, "feed_visits_changed", None)
    else:
        summary = _visits(nurse, now).aggregate(n=Count("id"), latest=Max("updated_at"))
        n, latest = summary["n"], summary["latest"]
    return f"visits:{n}:{latest.isoformat() if latest else '-'}"


def visit_events(nurse: Nurse, now: dt.datetime) -> list[list[str]]:
    """VEVENT lines for her confirmed visits (one query; none when she has none)."""
    if getattr(nurse, "feed_visits", None) == 0:
        return []
    stamp = _utc(now)
    summary = _("Home visit (%(district)s)")
    events = []
    for pk, start, end, updated_at, created_at, date, district in (
        _visits(nurse, now)
        .order_by("start", "id")
        .values_list(
            "pk", "start", "end", "updated_at", "created_at", "date", "block__district__name"
        )
    ):
        if start is None or end is None:  # a confirmed visit always has both (constraint)
            continue
        link = f"{settings.SITE_ROOT}/staff/visits/?date={date.isoformat()}"
        events.append(
            [
                "BEGIN:VEVENT",
                f"UID:visit-{pk}@yurikago",
                f"DTSTAMP:{stamp}",
                f"CREATED:{_utc(created_at)}",
                f"LAST-MODIFIED:{_utc(updated_at)}",
                f"SEQUENCE:{int(updated_at.timestamp())}",
                f"DTSTART:{_utc(start)}",
                f"DTEND:{_utc(end)}",
                f"SUMMARY:{_escape(summary % {'district': district})}",
                f"LOCATION:{_escape(district)}",
                f"DESCRIPTION:{_escape(link)}",
                f"URL:{link}",
                "STATUS:CONFIRMED",
                "TRANSP:OPAQUE",
                "CLASS:PRIVATE",
                "END:VEVENT",
            ]
        )
    return events
