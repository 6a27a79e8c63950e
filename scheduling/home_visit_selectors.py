"""Reads for home visits (issue 15): a nurse's day of visit blocks, each with its visits in
route order (confirmed ones by time, then those still to time, oldest request first), with the
address and a map link. Three queries whatever the number of blocks or visits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.db.models import Prefetch, QuerySet

from .home_visit_models import HomeVisit, ResidentAddress, VisitBlock

if TYPE_CHECKING:
    from .models import Pregnancy

ACTIVE = (HomeVisit.Status.REQUESTED, HomeVisit.Status.CONFIRMED)
MAP_SEARCH = "https://www.google.com/maps/search/?api=1&query="


@dataclass(frozen=True)
class RouteStop:
    visit: HomeVisit
    address: ResidentAddress | None

    @property
    def map_url(self) -> str | None:
        """A map search for the street address (her building and room stay off the link)."""
        if self.address is None:
            return None
        municipality = self.visit.pregnancy.resident.municipality
        return MAP_SEARCH + quote(f"{municipality.name}{self.address.town}")


@dataclass(frozen=True)
class BlockDay:
    block: VisitBlock
    stops: list[RouteStop]


def active_visits_by_contact(pregnancy: Pregnancy) -> dict[int, HomeVisit]:
    """Her arranged home visits, by contact (one query): what her bookings page shows."""
    visits = HomeVisit.objects.filter(pregnancy=pregnancy, status__in=ACTIVE)
    return {visit.contact_id: visit for visit in visits}


def route_order(visits: list[HomeVisit]) -> list[HomeVisit]:
    def key(visit: HomeVisit) -> tuple[int, dt.datetime, int]:
        if visit.status == HomeVisit.Status.CONFIRMED and visit.start is not None:
            return (0, visit.start, visit.pk)
        return (1, visit.created_at, visit.pk)

    return sorted(visits, key=key)


def visit_day(blocks: QuerySet[VisitBlock], day: dt.date) -> list[BlockDay]:
    visits = HomeVisit.objects.filter(status__in=ACTIVE).select_related(
        "pregnancy__resident__municipality", "pregnancy__resident__address", "contact"
    )
    rows = (
        blocks.filter(date=day)
        .select_related("district", "nurse")
        .prefetch_related(Prefetch("visits", queryset=visits))
        .order_by("start_time", "nurse__name", "id")
    )
    result = []
    for block in rows:
        stops = [
            RouteStop(v, getattr(v.pregnancy.resident, "address", None))
            for v in route_order(list(block.visits.all()))
        ]
        result.append(BlockDay(block, stops))
    return result
