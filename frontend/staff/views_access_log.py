"""The access log for a municipality administrator: who opened which resident's details, when,
filtered by staff member, resident and date, 50 rows to a page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from scheduling.access import scope_for
from scheduling.access_log import access_log_for, resident_matching, staff_of
from scheduling.models import Municipality

from .common import render_staff
from .decorators import municipality_admin_required
from .forms import DATE, phone_e164

PAGE_SIZE = 50
ACTIONS = {
    "view": _("Opened the booking"),
    "list": _("Listed on a day or week"),
    "lookup": _("Looked up by phone"),
    "api_view": _("Opened through the API"),
}


class AccessLogFilterForm(forms.Form):
    staff = forms.TypedChoiceField(
        label=_("Staff member"), required=False, coerce=int, empty_value=None
    )
    resident = forms.CharField(
        label=_("Resident"),
        required=False,
        max_length=100,
        help_text=_("Name, kana, phone number or booking reference."),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE)

    def __init__(self, *args: Any, staff: list[tuple[int | str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["staff"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Everyone")), *staff]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data


@municipality_admin_required
def access_log(request: HttpRequest) -> HttpResponse:
    ids = sorted(scope_for(request.user).admin_municipality_ids)
    municipality = Municipality.objects.filter(pk__in=ids).order_by("pk").first()
    assert municipality is not None  # the decorator guarantees one
    staff: list[tuple[int | str, str]] = [(u.pk, str(u)) for u in staff_of(ids)]
    form = AccessLogFilterForm(request.GET or None, staff=staff)
    entries = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        text = (data.get("resident") or "").strip()
        entries = access_log_for(
            municipality_ids=ids,
            tz=municipality.tz,
            user_id=data.get("staff"),
            resident=resident_matching(text, phone=_phone_or_none(text)) if text else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
    page = None
    if entries is not None:
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        for entry in page.object_list:
            entry.action_label = ACTIONS.get(entry.action, entry.action)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render_staff(
        request,
        "frontend/staff/access_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _phone_or_none(text: str) -> str | None:
    if not any(c.isdigit() for c in text):
        return None
    try:
        return phone_e164(text)
    except ValidationError:
        return None
