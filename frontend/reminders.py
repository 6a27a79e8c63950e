"""Her reminder settings: the one-tap stop link from a reminder email, and the setting on her
bookings page (notifications.reminder_stops). Both say that sign-in codes still reach her."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontend.bookings import resident_login_required
from notifications.models import Message, ReminderStop
from notifications.reminder_stops import (
    reminders_set,
    reminders_stop,
    stop_token_read,
    stopped_channels,
)


class ReminderSettingsForm(forms.Form):
    sms = forms.BooleanField(label=gettext_lazy("Reminders by SMS"), required=False)
    email = forms.BooleanField(label=gettext_lazy("Reminders by email"), required=False)


def _sign_in_note(resident: object) -> str:
    user = getattr(resident, "user", None)
    if getattr(user, "phone", None):
        return _("Sign-in codes still come by SMS to your mobile, whatever you choose here.")
    return _("Sign-in codes still come by email, whatever you choose here.")


def reminders_stop_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (a mail scanner opening the link changes nothing); POST stops."""
    found = stop_token_read(token)
    if found is None:
        raise Http404
    resident, channel = found
    done = request.method == "POST"
    if done:
        reminders_stop(resident=resident, channel=channel, source=ReminderStop.Source.LINK)
    return render(
        request,
        "frontend/reminders_stop.html",
        {
            "channel_label": Message.Channel(channel).label,
            "done": done,
            "sign_in_note": _sign_in_note(resident),
        },
    )


@resident_login_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    resident = getattr(request.user, "resident", None)
    if resident is None:
        raise Http404
    stopped = stopped_channels(resident)
    form = ReminderSettingsForm(
        request.POST or None,
        initial={"sms": "sms" not in stopped, "email": "email" not in stopped},
    )
    if request.method == "POST" and form.is_valid():
        wanted = {c for c in ("sms", "email") if form.cleaned_data[c]}
        reminders_set(resident=resident, stopped={"sms", "email"} - wanted)
        messages.success(request, _("Saved."))
        return redirect("frontend:reminder_settings")
    return render(
        request,
        "frontend/reminder_settings.html",
        {"form": form, "sign_in_note": _sign_in_note(resident)},
    )
