"""The payments desk's CSV (issue 15): contacts done in a period, for municipality
administrators, each of her own municipalities only (scheduling.reports.payments)."""

from __future__ import annotations

import csv
import datetime as dt

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scheduling.access import scope_for, signed_in
from scheduling.reports.payments import contacts_done, payment_rows
from scheduling.staff_services import access_log_record

from .common import staff_sites, today_in, tz_of
from .decorators import municipality_admin_required
from .forms import DATE, BoundedDateField


class PaymentsPeriodForm(forms.Form):
    date_from = BoundedDateField(label=gettext_lazy("Done from"), widget=DATE)
    date_to = BoundedDateField(label=gettext_lazy("Done until"), widget=DATE)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first, last = data.get("date_from"), data.get("date_to")
        if isinstance(first, dt.date) and isinstance(last, dt.date) and last < first:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


@municipality_admin_required
def payments_csv(request: HttpRequest) -> HttpResponse:
    """UTF-8 with a BOM (Excel in Japan); the previous calendar month unless a period is given."""
    if "date_from" in request.GET or "date_to" in request.GET:
        form = PaymentsPeriodForm(request.GET)
        if not form.is_valid():
            errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
            return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
        first, last = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    else:
        first, last = last_month(today_in(tz_of(staff_sites(request))))
    records = contacts_done(
        municipality_ids=scope_for(request.user).admin_municipality_ids,
        date_from=first,
        date_to=last,
    )
    access_log_record(
        user=signed_in(request.user),
        residents=[r.pregnancy.resident for r in records],
        action="payments_csv",
    )
    name = f"yurikago-contacts-done-{first.isoformat()}-{last.isoformat()}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    csv.writer(response).writerows(payment_rows(records))
    return response
