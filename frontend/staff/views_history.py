"""The history of a municipality's configuration, for its administrators: who changed which
site, closure, interview type, weekly hours or message text, when, and which fields.

The rows come from django-simple-history (HistoricalRecords on each configuration model),
filtered to the administrator's own municipalities."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from notifications.models import MessageText
from scheduling.access import scope_for
from scheduling.models import (
    AvailabilityRule,
    InterviewType,
    Municipality,
    Nurse,
    Site,
    SiteClosure,
)

from .common import render_staff
from .decorators import municipality_admin_required

LIMIT = 200


@dataclass(frozen=True)
class HistoryEntry:
    at: Any
    who: str
    what: str
    record: str
    change: str
    fields: list[str]


def _histories(municipality_ids: Iterable[int]) -> list[QuerySet[Any]]:
    ids = list(municipality_ids)
    return [
        Site.history.filter(municipality_id__in=ids),
        SiteClosure.history.filter(municipality_id__in=ids),
        InterviewType.history.filter(municipality_id__in=ids),
        AvailabilityRule.history.filter(
            site_id__in=Site.objects.filter(municipality_id__in=ids).values("id")
        ),
        MessageText.history.filter(municipality_id__in=ids),
    ]


def _changed_fields(record: Any, model: type[Model]) -> list[str]:
    if record.history_type != "~" or record.prev_record is None:
        return []
    delta = record.diff_against(record.prev_record)
    fields = [model._meta.get_field(name) for name in delta.changed_fields]
    return [str(getattr(field, "verbose_name", field.name)) for field in fields]


def _label(record: Any, related: dict[str, dict[int, Model]]) -> str:
    """The record's own name (str of the model), its site, nurse and municipality taken from
    maps loaded once rather than a query per row."""
    instance = record.instance
    for name, objects in related.items():
        pk = getattr(instance, f"{name}_id", None)
        if pk in objects:
            setattr(instance, name, objects[pk])
    return str(instance)


def configuration_history(municipality_ids: Iterable[int]) -> list[HistoryEntry]:
    ids = list(municipality_ids)
    changes = {"+": _("added"), "~": _("changed"), "-": _("removed")}
    related: dict[str, dict[int, Model]] = {
        "municipality": {m.pk: m for m in Municipality.objects.filter(pk__in=ids)},
        "site": {s.pk: s for s in Site.objects.filter(municipality_id__in=ids)},
        "nurse": {n.pk: n for n in Nurse.objects.filter(municipality_id__in=ids)},
    }
    records = []
    for history in _histories(ids):
        records += list(history.select_related("history_user").order_by("-history_date")[:LIMIT])
    records.sort(key=lambda r: r.history_date, reverse=True)
    entries = []
    for record in records[:LIMIT]:
        model = record.instance_type
        user = record.history_user
        entries.append(
            HistoryEntry(
                at=record.history_date,
                who=user.email if user is not None else _("system"),
                what=str(model._meta.verbose_name),
                record=_label(record, related),
                change=changes.get(record.history_type, record.history_type),
                fields=_changed_fields(record, model),
            )
        )
    return entries


@municipality_admin_required
def config_history(request: HttpRequest) -> HttpResponse:
    ids = scope_for(request.user).admin_municipality_ids
    return render_staff(
        request,
        "frontend/staff/config_history.html",
        {"entries": configuration_history(ids), "limit": LIMIT},
    )
