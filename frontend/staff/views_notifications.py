"""Pregnancy notifications in, for a municipality administrator (issue 16): upload the 母子保健
export as CSV; check only, or import. A refused file lists each error with its line, and
nothing of it is written (scheduling.notification_import)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from scheduling.access import access_notification_import, scope_for
from scheduling.models import Municipality
from scheduling.notification_import import notifications_import_file

from .common import render_staff
from .decorators import municipality_admin_required

MAX_BYTES = 20 * 1024 * 1024  # about 80,000 rows; the import takes at most 50,000


class NotificationImportForm(forms.Form):
    municipality = forms.ChoiceField(label=_("Municipality"))
    file = forms.FileField(
        label=_("Pregnancy notification export (CSV)"),
        help_text=_(
            "UTF-8 or Shift_JIS, with a header row. Never include a My Number column: a file "
            "with one is refused whole."
        ),
    )
    dry_run = forms.BooleanField(label=_("Check only, import nothing"), required=False)

    def __init__(self, *args: Any, municipalities: list[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["municipality"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.code, m.name) for m in municipalities]
        if len(municipalities) == 1:
            field.widget = forms.HiddenInput()
            field.initial = municipalities[0].code

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB: split it."))
        return upload


@municipality_admin_required
def notification_import(request: HttpRequest) -> HttpResponse:
    ids = scope_for(request.user).admin_municipality_ids
    municipalities = list(Municipality.objects.filter(pk__in=ids).order_by("pk"))
    form = NotificationImportForm(
        request.POST or None, request.FILES or None, municipalities=municipalities
    )
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            municipality = access_notification_import(
                request.user, form.cleaned_data["municipality"]
            )
            result = notifications_import_file(
                municipality=municipality,
                data=form.cleaned_data["file"].read(),
                dry_run=form.cleaned_data["dry_run"],
            )
            status = 400 if result.refused else 200
        else:
            status = 400
    return render_staff(
        request,
        "frontend/staff/notification_import.html",
        {"form": form, "result": result},
        status=status,
    )
