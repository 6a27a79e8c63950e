"""Coverage of pregnancy notifications (面談実施率, issue 16 item 5) for managers and
administrators: per month of notification (and district) the interview rate, days from
notification to interview (median, p90) and who is still unreached after four weeks; as a table,
a CSV (UTF-8 with a BOM, for Excel) and a chart. Figures in
scheduling.reports.notification_coverage; aggregates only, no resident's details."""

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
        ],
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("month_from"), data.get("month_to")
        if first and last and last < first:
            self.add_error("month_to", _("The end month must be on or after the start month."))
        return data


def _report(request: HttpRequest, form: CoverageForm) -> CoverageReport | None:
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
    return notification_coverage(
        municipality_ids={s.municipality_id for s in sites},
        month_from=month_from,
        month_to=month_to,
        today=today,
        now=timezone.now(),
        tz=tz,
        by_district=data.get("by") == "district",
    )


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


def _csv(report: CoverageReport) -> HttpResponse:
    name = f"yurikago-coverage-{report.month_from:%Y-%m}-{report.month_to:%Y-%m}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    csv.writer(response).writerows(report.csv_rows())
    return response


@manager_required
def coverage(request: HttpRequest) -> HttpResponse:
    form = CoverageForm(request.GET or None)
    report = _report(request, form)
    if report is not None and request.GET.get("format") == "csv":
        return _csv(report)
    query = request.GET.copy()
    query["format"] = "csv"
    return render_staff(
        request,
        "frontend/staff/coverage.html",
        {
            "form": form,
            "report": report,
            "csv_query": query.urlencode(),
            **(_chart(report) if report is not None else {}),
        },
    )
