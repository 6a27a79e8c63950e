"""The manager's dashboard (her sites, a period, compared with the one before), its CSV exports,
and the failed-messages page."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from notifications.selectors import failed_messages_for_sites
from scheduling.access import manager_site_ids, scope_for
from scheduling.models import Site
from scheduling.reports import SiteFigures, UtilisationReport, utilisation_report
from scheduling.reports.contacts import DISTRICT, SITE, ContactReport, contact_report
from scheduling.reports.delivery import DeliveryReport, delivery_report
from scheduling.waitlist_services import places_refilled

from . import charts
from .common import plain_datetime, render_staff, staff_sites, today_in, tz_of
from .decorators import manager_required, staff_required
from .forms import DashboardForm

PERIODS = ("day", "week", "month", "year")


def period_bounds(period: str, day: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(first, last) of the period holding `day`, then (first, last) of the one before it."""
    if period == "week":
        first = day - dt.timedelta(days=day.weekday())
        return (
            first,
            first + dt.timedelta(days=6),
            first - dt.timedelta(days=7),
            first - dt.timedelta(days=1),
        )
    if period == "month":
        first = day.replace(day=1)
        last = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        prev_last = first - dt.timedelta(days=1)
        return first, last, prev_last.replace(day=1), prev_last
    if period == "year":
        first, last = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
        return first, last, dt.date(day.year - 1, 1, 1), dt.date(day.year - 1, 12, 31)
    previous = day - dt.timedelta(days=1)
    return day, day, previous, previous


def _selection(request: HttpRequest) -> tuple[DashboardForm, list[Site], str, dt.date]:
    allowed = manager_site_ids(request.user)
    sites = [s for s in staff_sites(request) if s.id in allowed]
    form = DashboardForm(request.GET or None, sites=sites)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not form.is_valid() and "site" in form.errors:
        raise Http404  # a site she does not manage: as if it did not exist
    chosen = [s for s in sites if s.id == data["site"]] if data.get("site") else sites
    period = data.get("period") or "week"
    day = data.get("date") or today_in(tz_of(sites))
    return form, chosen, period, day


def _reports(
    sites: list[Site], period: str, day: dt.date
) -> tuple[UtilisationReport, UtilisationReport]:
    first, last, prev_first, prev_last = period_bounds(period, day)
    ids = [s.id for s in sites]
    return (
        utilisation_report(site_ids=ids, date_from=first, date_to=last),
        utilisation_report(
            site_ids=ids, date_from=prev_first, date_to=prev_last, include_next_free=False
        ),
    )


def _kpis(now: SiteFigures, before: SiteFigures) -> list[dict[str, Any]]:
    """Headline figures with the previous period's value and which way is better."""

    def item(label: str, attr: str, kind: str, higher_is_better: bool | None) -> dict[str, Any]:
        a, b = getattr(now, attr), getattr(before, attr)
        delta = None if a is None or b is None else a - b
        good = (
            None
            if delta in (None, 0) or higher_is_better is None
            else ((delta > 0) == higher_is_better)
        )
        return {
            "label": label,
            "value": _text(a, kind),
            "previous": _text(b, kind),
            "delta": _text(delta, kind, signed=True),
            "good": good,
        }

    return [
        item(_("Utilisation"), "utilisation", "pct", True),
        item(_("Slots offered"), "offered_slots", "int", None),
        item(_("Booked"), "booked_slots", "int", True),
        item(_("Attended"), "attended_slots", "int", True),
        item(_("No-show rate"), "no_show_rate", "pct", False),
        item(_("Late cancellations"), "late_cancellation_rate", "pct", False),
        item(_("Booked online"), "online_share", "pct", True),
        item(_("Lead time (days)"), "lead_time_days", "num", None),
        item(_("Gestational week at interview"), "gestational_week", "num", False),
        item(_("Failed messages"), "failed_messages", "int", False),
    ]


def _text(value: float | None, kind: str, signed: bool = False) -> str:
    if value is None:
        return "—"
    sign = "+" if signed else ""
    if kind == "pct":
        return f"{value * 100:{sign}.1f}%"
    if kind == "num":
        return f"{value:{sign}.1f}"
    return f"{value:{sign},d}"


def _charts(report: UtilisationReport) -> dict[str, Any]:
    names = [r.site_name for r in report.rows]
    capacity = [
        charts.Series(_("Offered"), "s1", [r.offered_slots for r in report.rows]),
        charts.Series(_("Booked"), "s2", [r.booked_slots for r in report.rows]),
        charts.Series(_("Attended"), "s3", [r.attended_slots for r in report.rows]),
    ]
    daily = [
        charts.Series(_("Offered"), "s1", [d.offered_slots for d in report.days]),
        charts.Series(_("Booked"), "s2", [d.booked_slots for d in report.days]),
        charts.Series(_("Attended"), "s3", [d.attended_slots for d in report.days]),
    ]
    t = report.totals
    channel = [
        (_("Online"), "s2", t.online),
        (_("By staff"), "s4", t.staff),
        (_("API"), "s3", t.api),
    ]
    one = [charts.Series(_("Interviews"), "s2", list(report.lead_time.values()))]
    weeks = [charts.Series(_("Interviews"), "s3", list(report.gestation.values()))]
    return {
        "capacity_svg": charts.grouped_bars(names, capacity),
        "capacity_legend": charts.legend(capacity),
        "daily_svg": charts.columns([d.day.strftime("%m/%d") for d in report.days], daily)
        if len(report.days) > 1
        else None,
        "channel_svg": charts.stacked_bar(channel) if t.booked_slots else None,
        "lead_svg": charts.grouped_bars(list(report.lead_time), one),
        "gestation_svg": charts.grouped_bars(list(report.gestation), weeks),
    }


def _contacts(request: HttpRequest, sites: list[Site], period: str, day: dt.date) -> ContactReport:
    """Per-contact coverage (issue 15): an administrator looking at all her sites sees every
    pregnancy of her municipality (by site or by district, those with neither included);
    anyone else, or a chosen site, only the pregnancies booked for a contact at these sites."""
    first, last, _prev_first, _prev_last = period_bounds(period, day)
    admin_ids = scope_for(request.user).admin_municipality_ids
    all_sites = "site" not in request.GET or not request.GET["site"]
    municipality_ids = {s.municipality_id for s in sites}
    if all_sites and municipality_ids and municipality_ids <= admin_ids:
        group_by = DISTRICT if request.GET.get("contacts_by") == DISTRICT else SITE
        return contact_report(
            municipality_ids=municipality_ids, date_from=first, date_to=last, group_by=group_by
        )
    return contact_report(
        municipality_ids=municipality_ids,
        date_from=first,
        date_to=last,
        site_ids=[s.id for s in sites],
    )


def _contact_chart(report: ContactReport) -> dict[str, Any]:
    names = [t.contact.name for t in report.totals]
    series = [
        charts.Series(_("Eligible"), "s1", [t.eligible for t in report.totals]),
        charts.Series(_("Done"), "s2", [t.done for t in report.totals]),
        charts.Series(_("Done within its window"), "s3", [t.done_in_window for t in report.totals]),
    ]
    return {
        "contacts_svg": charts.grouped_bars(names, series) if names else None,
        "contacts_legend": charts.legend(series),
    }


def _refilled(sites: list[Site], first: dt.date, last: dt.date) -> int:
    """Places refilled from the waitlist (issue 16): interviews in the period taken through an
    accepted earlier-time offer."""
    tz = tz_of(sites)
    return places_refilled(
        site_ids=[s.pk for s in sites],
        start_from=dt.datetime.combine(first, dt.time(), tzinfo=tz),
        start_before=dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz),
    )


def _delivery(sites: list[Site], period: str, day: dt.date) -> DeliveryReport:
    """Delivery by channel (issue 18): LINE, SMS and email for the period at these sites."""
    first, last, _prev_first, _prev_last = period_bounds(period, day)
    return delivery_report(
        site_ids=[s.id for s in sites], date_from=first, date_to=last, tz=tz_of(sites)
    )


def _delivery_chart(report: DeliveryReport) -> dict[str, Any]:
    names = [r.label for r in report.rows]
    series = [
        charts.Series(_("Sent"), "s2", [r.sent for r in report.rows]),
        charts.Series(_("Failed"), "s4", [r.failed for r in report.rows]),
        charts.Series(_("Fell back to another channel"), "s3", [r.fell_back for r in report.rows]),
    ]
    return {
        "delivery_svg": charts.grouped_bars(names, series) if report.total else None,
        "delivery_legend": charts.legend(series),
    }


@manager_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form, sites, period, day = _selection(request)
    report, previous = _reports(sites, period, day)
    contacts = _contacts(request, sites, period, day)
    delivery = _delivery(sites, period, day)
    query = request.GET.urlencode()
    return render_staff(
        request,
        "frontend/staff/dashboard.html",
        {
            "form": form,
            "report": report,
            "previous": previous,
            "period": period,
            "kpis": _kpis(report.totals, previous.totals),
            "query": query,
            "tz": tz_of(sites),
            "contacts": contacts,
            "contact_rows": contacts.csv_rows(),
            "is_admin": bool(scope_for(request.user).admin_municipality_ids),
            "refilled": _refilled(sites, report.date_from, report.date_to),
            **_charts(report),
            **_contact_chart(contacts),
            "delivery_rows": delivery.csv_rows(),
            **_delivery_chart(delivery),
        },
    )


CSV_TABLES = {
    "sites": lambda r, p: r.to_csv_rows(),
    "previous_sites": lambda r, p: p.to_csv_rows(),
    "days": lambda r, p: r.days_csv_rows(),
    "lead_time": lambda r, p: r.lead_time_csv_rows(),
    "gestation": lambda r, p: r.gestation_csv_rows(),
}


@manager_required
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    """Any dashboard table as CSV: UTF-8 with a BOM, so Excel in Japan opens it as UTF-8."""
    table = request.GET.get("table", "sites")
    if table not in CSV_TABLES and table not in ("contacts", "delivery"):
        raise Http404
    _form, sites, period, day = _selection(request)
    report, previous = _reports(sites, period, day)
    name = f"yurikago-{table}-{report.date_from.isoformat()}-{report.date_to.isoformat()}.csv"
    if table == "delivery":
        rows = _delivery(sites, period, day).csv_rows()
    elif table == "contacts":
        rows = _contacts(request, sites, period, day).csv_rows()
    else:
        rows = CSV_TABLES[table](report, previous)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    tz = tz_of(sites)
    writer.writerows([plain_datetime(cell, tz) for cell in row] for row in rows)
    return response


@staff_required
def failed_messages(request: HttpRequest) -> HttpResponse:
    """Messages that could not be delivered for bookings at her sites: she may call instead."""
    site_ids = sorted(scope_for(request.user).site_ids)
    since = today_in(tz_of(staff_sites(request))) - dt.timedelta(days=30)
    rows = list(
        failed_messages_for_sites(
            site_ids,
            since=dt.datetime.combine(since, dt.time(0), tzinfo=tz_of(staff_sites(request))),
        )
    )
    return render_staff(
        request, "frontend/staff/failed_messages.html", {"messages_list": rows, "since": since}
    )
