"""Coverage (面談実施率, issue 16) for managers and administrators, per month and, if asked, per
site or district, in three figures, each as a table, a CSV (UTF-8 with a BOM, for Excel) and a
chart:
- notifications: the interview rate, days from notification to interview (median, p90) and who
  is still unreached after four weeks (scheduling.reports.notification_coverage);
- per contact, by the month it fell due: the rate done and days from due to done
  (scheduling.reports.contact_months);
- the questionnaire response rate, per contact with a questionnaire (the same report).
Aggregates only, no resident's details. `?format=csv&table=contacts|questionnaires` gives the
second and third; without `table`, the first."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scheduling.access import manager_site_ids
from scheduling.models import Site
from scheduling.reports.contact_months import ContactMonthReport, contact_months
from scheduling.reports.notification_coverage import CoverageReport, notification_coverage

from . import charts
from .common import render_staff, today_in, tz_of
from .decorators import manager_required

MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class CoverageForm(forms.Form):
    month_from = forms.DateField(
        label=gettext_lazy("From month"), input_formats=["%Y-%m"], widget=MONTH, required=False
    )
    month_to = forms.DateField(
        label=gettext_lazy("Until month"), input_formats=["%Y-%m"], widget=MONTH, required=False
    )
    by = forms.ChoiceField(
        label=gettext_lazy("Per"),
        choices=[
            ("month", gettext_lazy("Month")),
            ("district", gettext_lazy("Month and district")),
            ("site", gettext_lazy("Month and site")),
        ],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("month_from"), data.get("month_to")
        if first and last and last < first:
            self.add_error("month_to", _("The end month must be on or after the start month."))
        return data


def _reports(
    request: HttpRequest, form: CoverageForm
) -> tuple[CoverageReport, ContactMonthReport] | None:
    sites = list(
        Site.objects.filter(id__in=manager_site_ids(request.user)).select_related("municipality")
    )
    tz = tz_of(sites)
    today = today_in(tz)
    if form.is_bound and not form.is_valid():
        return None
    data = form.cleaned_data if form.is_bound else {}
    month_to = data.get("month_to") or today.replace(day=1)
    month_from = data.get("month_from") or (month_to - dt.timedelta(days=335)).replace(day=1)
    group_by = str(data.get("by") or "")
    if group_by not in ("district", "site"):
        group_by = ""
    municipality_ids = {s.municipality_id for s in sites}
    notified = notification_coverage(
        municipality_ids=municipality_ids,
        month_from=month_from,
        month_to=month_to,
        today=today,
        now=timezone.now(),
        tz=tz,
        group_by=group_by,
    )
    per_contact = contact_months(
        municipality_ids=municipality_ids,
        month_from=month_from,
        month_to=month_to,
        tz=tz,
        group_by=group_by,
    )
    return notified, per_contact


def _chart(report: CoverageReport) -> dict[str, Any]:
    totals = [r for r in report.rows if not r.district]
    labels = [r.month.strftime("%Y-%m") for r in totals]
    series = [
        charts.Series(_("Notified"), "s1", [r.notified for r in totals]),
        charts.Series(_("Interviewed"), "s2", [r.interviewed for r in totals]),
        charts.Series(_("Unreached after 4 weeks"), "s3", [r.unreached for r in totals]),
    ]
    return {
        "coverage_svg": charts.grouped_bars(labels, series) if labels else None,
        "coverage_legend": charts.legend(series),
    }


def _contact_charts(report: ContactMonthReport) -> dict[str, Any]:
    """Per contact, a month's total: the share done; per questionnaire, the share answered."""
    totals = [r for r in report.rows if r.is_total]
    labels = [f"{r.contact.name} {r.month:%Y-%m}" for r in totals]
    done = [charts.Series(_("Done %"), "s2", [r.done_pct or 0 for r in totals])]
    answered_rows = [r for r in report.questionnaire_rows if r.is_total]
    answered = [
        charts.Series(_("Response rate %"), "s1", [r.answered_pct or 0 for r in answered_rows])
    ]
    answered_labels = [f"{r.contact.name} {r.month:%Y-%m}" for r in answered_rows]
    return {
        "contacts_svg": charts.grouped_bars(labels, done) if labels else None,
        "contacts_legend": charts.legend(done),
        "answers_svg": charts.grouped_bars(answered_labels, answered) if answered_rows else None,
        "answers_legend": charts.legend(answered),
    }


def _csv(name: str, first: dt.date, last: dt.date, rows: list[list[object]]) -> HttpResponse:
    filename = f"yurikago-{name}-{first:%Y-%m}-{last:%Y-%m}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    csv.writer(response).writerows(rows)
    return response


def _csv_of(table: str, reports: tuple[CoverageReport, ContactMonthReport]) -> HttpResponse:
    notified, per_contact = reports
    first, last = notified.month_from, notified.month_to
    if table == "contacts":
        return _csv("contact-coverage", first, last, per_contact.csv_rows())
    if table == "questionnaires":
        return _csv("questionnaire-responses", first, last, per_contact.questionnaire_csv_rows())
    return _csv("coverage", first, last, notified.csv_rows())


def _query(request: HttpRequest, table: str) -> str:
    query = request.GET.copy()
    query["format"] = "csv"
    query["table"] = table
    return query.urlencode()


@manager_required
def coverage(request: HttpRequest) -> HttpResponse:
    form = CoverageForm(request.GET or None)
    reports = _reports(request, form)
    if reports is not None and request.GET.get("format") == "csv":
        return _csv_of(request.GET.get("table", ""), reports)
    context: dict[str, Any] = {"form": form, "report": None}
    if reports is not None:
        notified, per_contact = reports
        context.update(
            report=notified,
            contacts=per_contact,
            group_label=_("Site") if notified.group_by == "site" else _("District"),
            csv_query=_query(request, "notifications"),
            contacts_csv_query=_query(request, "contacts"),
            answers_csv_query=_query(request, "questionnaires"),
            **_chart(notified),
            **_contact_charts(per_contact),
        )
    return render_staff(request, "frontend/staff/coverage.html", context)
