"""Forms of the calendar settings page: shape only; the services decide what is acceptable."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CalendarUrlForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, required=False, help_text=_("e.g. Outlook at work")
    )
    url = forms.CharField(
        label=_("Calendar address"),
        max_length=2000,
        help_text=_(
            "The secret iCal address: Google “Secret address in iCal format”, Outlook "
            "“Publish calendar” ICS link, or an iCloud public calendar (webcal://)."
        ),
        widget=forms.URLInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )


class CalendarUploadForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    file = forms.FileField(
        label=_("Calendar file (.ics)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar"}),
    )
