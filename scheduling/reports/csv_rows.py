"""The report's tables as CSV rows (headers first), for the dashboard's downloads and the API's
text/csv answer, which both write them with the csv module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .figures import SiteFigures, UtilisationReport


def site_rows(report: UtilisationReport) -> list[list[str]]:
    """The per-site table (and a total line), headers first."""
    header = [
        _("Site"),
        _("Slots offered"),
        _("Minutes offered"),
        _("Slots booked"),
        _("Minutes booked"),
        _("Attended"),
        _("Minutes attended"),
        _("No-shows"),
        _("Cancelled"),
        _("Late cancellations"),
        _("Utilisation %"),
        _("No-show %"),
        _("Late cancellation %"),
        _("Booked online"),
        _("Booked by staff"),
        _("Booked through the API"),
        _("Online share %"),
        _("Average lead time (days)"),
        _("Average gestational week"),
        _("Failed messages"),
        _("Next free slot"),
    ]
    return [header] + [_csv_row(r) for r in [*report.rows, report.totals]]


def day_rows(report: UtilisationReport) -> list[list[str]]:
    header = [_("Date"), _("Slots offered"), _("Slots booked"), _("Attended"), _("No-shows")]
    return [header] + [
        [
            d.day.isoformat(),
            str(d.offered_slots),
            str(d.booked_slots),
            str(d.attended_slots),
            str(d.no_shows),
        ]
        for d in report.days
    ]


def lead_time_rows(report: UtilisationReport) -> list[list[str]]:
    return [[_("Days from booking to interview"), _("Interviews")]] + [
        [label, str(n)] for label, n in report.lead_time.items()
    ]


def gestation_rows(report: UtilisationReport) -> list[list[str]]:
    return [[_("Gestational week at interview"), _("Interviews")]] + [
        [label, str(n)] for label, n in report.gestation.items()
    ]


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _csv_row(r: SiteFigures) -> list[str]:
    return [
        r.site_name,
        str(r.offered_slots),
        str(r.offered_minutes),
        str(r.booked_slots),
        str(r.booked_minutes),
        str(r.attended_slots),
        str(r.attended_minutes),
        str(r.no_shows),
        str(r.cancelled),
        str(r.late_cancellations),
        _pct(r.utilisation),
        _pct(r.no_show_rate),
        _pct(r.late_cancellation_rate),
        str(r.online),
        str(r.staff),
        str(r.api),
        _pct(r.online_share),
        _num(r.lead_time_days),
        _num(r.gestational_week),
        str(r.failed_messages),
        r.next_free_slot.isoformat(timespec="minutes") if r.next_free_slot else "",
    ]
