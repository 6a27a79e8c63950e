"""Staff forms: they check shape and turn text into dates, times and numbers. Rules (overlaps,
stranded bookings, deadlines) are the services' business."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from scheduling import config_services
from scheduling.models import InterviewType, Language, Mode, Site, SiteClosure

# The number rules live in scheduling.phones (is_mobile re-exported for the staff views).
from scheduling.phones import e164, parse_japanese_phone
from scheduling.phones import is_mobile as is_mobile

from . import config_fields

WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M")
MAX_RANGE_DAYS = 366
# Dates far from now are form errors: arithmetic near year 9999 (a week's end, a year's
# figures) would overflow, and no interview is booked outside these years (as in the API).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2200


class BoundedDateField(forms.DateField):
    def to_python(self, value: Any) -> dt.date | None:
        day = super().to_python(value)
        if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise forms.ValidationError(
                _("Choose a date between %(first)d and %(last)d."),
                code="out_of_range",
                params={"first": EARLIEST_YEAR, "last": LATEST_YEAR},
            )
        return day


def phone_e164(value: str) -> str:
    """A Japanese number as written on paper (full-width digits, hyphens) → E.164."""
    number = parse_japanese_phone(value)
    if number is None:
        raise forms.ValidationError(_("Enter a Japanese phone number, e.g. 090-1234-5678."))
    return e164(number)


def form_field[F: forms.Field](form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """form.fields[name] as the kind of field the form declares under that name (the stubs know
    form.fields only as a dict of Field)."""
    field = form.fields[name]
    assert isinstance(field, kind), f"{type(form).__name__}.{name} is a {type(field).__name__}"
    return field


class SpanForm(forms.Form):
    date = BoundedDateField(label=_("Date"), required=False, widget=DATE)
    span = forms.ChoiceField(
        label=_("Show"), required=False, choices=[("day", _("Day")), ("week", _("Week"))]
    )
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, sites: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "site", forms.ChoiceField).choices = [("", _("All my sites"))] + [
            (s.id, s.name) for s in sites
        ]


ATTENDANCE_OUTCOMES = [("attended", _("Attended")), ("no_show", _("Did not come"))]


class AttendanceForm(forms.Form):
    outcome = forms.ChoiceField(choices=ATTENDANCE_OUTCOMES)


class StaffDetailsForm(forms.Form):
    staff_notes = forms.CharField(
        label=_("Private notes (staff only)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("The link she will use to join (video interviews)."),
    )

    def clean_video_url(self) -> str:
        url: str = self.cleaned_data["video_url"]
        if url and not url.startswith("https://"):
            raise forms.ValidationError(_("Use a secure link starting with https://."))
        return url


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=300)


class SlotSearchForm(forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    date = BoundedDateField(label=_("From"), widget=DATE)
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices, initial=Mode.IN_PERSON)
    # Issue 15: which contact of her pregnancy (shown only when the municipality has several).
    contact = forms.ChoiceField(label=_("Contact"), required=False, choices=[])

    def __init__(
        self,
        *args: Any,
        sites: list[Site],
        modes: list[str] | None = None,
        contacts: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "site", forms.ChoiceField).choices = [(s.id, s.name) for s in sites]
        form_field(self, "contact", forms.ChoiceField).choices = contacts or []
        if modes:  # only what the chosen site and interview type offer
            form_field(self, "mode", forms.ChoiceField).choices = [
                (m, Mode(m).label) for m in modes
            ]


class SlotChoiceForm(forms.Form):
    """A time picked from the list of free slots."""

    site = forms.IntegerField(widget=forms.HiddenInput)
    start = forms.DateTimeField(
        widget=forms.HiddenInput, input_formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]
    )
    mode = forms.ChoiceField(choices=Mode.choices, widget=forms.HiddenInput)


class OnBehalfForm(SlotChoiceForm):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        help_text=_("We look her up by this number; a mobile gets SMS."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    name_kana = forms.CharField(label=_("Name in kana"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.JA)
    due_date = BoundedDateField(label=_("Due date"), required=False, widget=DATE)
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    first_pregnancy = forms.TypedChoiceField(
        label=_("First pregnancy"),
        required=False,
        empty_value=None,
        choices=[("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: {"yes": True, "no": False}.get(v),
    )
    notes = forms.CharField(
        label=_("Notes from her"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notify_email = forms.BooleanField(label=_("Also send messages by email"), required=False)

    def clean_phone(self) -> str:
        return phone_e164(self.cleaned_data["phone"])


class RuleForm(forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days"), choices=WEEKDAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    start_time = forms.TimeField(label=_("From"), widget=TIME)
    end_time = forms.TimeField(label=_("Until"), widget=TIME)
    valid_from = BoundedDateField(label=_("Valid from"), widget=DATE)
    valid_to = BoundedDateField(
        label=_("Valid until"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty for no end date."),
    )
    # Issue 15: remote hours serve video and phone interviews only (no room, any day).
    remote = forms.BooleanField(
        label=_("Remote (video/phone)"),
        required=False,
        help_text=_(
            "For video and phone interviews only: no room, even on days the site is closed."
        ),
    )
    confirm_stranded = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, sites: list[Site], single_day: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "site", forms.ChoiceField).choices = [(s.id, s.name) for s in sites]
        if single_day:
            # Editing one range: a rule has one weekday, and its site does not change.
            self.fields["weekdays"] = forms.TypedChoiceField(
                label=_("Day"), choices=WEEKDAY_CHOICES, coerce=int
            )
            self.fields["site"].disabled = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        first, last = data.get("valid_from"), data.get("valid_to")
        if first and last and last < first:
            self.add_error("valid_to", _("“Valid until” must not be before “valid from”."))
        return data


class TimeOffForm(forms.Form):
    """A whole day, a range of days, part of a day, or the same hours every week."""

    date_from = BoundedDateField(label=_("From (date)"), widget=DATE)
    start_time = forms.TimeField(
        label=_("From (time)"),
        required=False,
        widget=TIME,
        help_text=_("Leave the times empty for whole days."),
    )
    date_to = BoundedDateField(
        label=_("Until (date)"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty for one day."),
    )
    end_time = forms.TimeField(label=_("Until (time)"), required=False, widget=TIME)
    weekly_until = BoundedDateField(label=_("Repeat every week until"), required=False, widget=DATE)
    reason = forms.CharField(label=_("Reason (staff only)"), required=False, max_length=200)
    confirm_stranded = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, tz: dt.tzinfo, **kwargs: Any) -> None:
        self.tz = tz
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first = data.get("date_from")
        if not first:
            return data
        last = data.get("date_to") or first
        if last < first or (last - first).days > MAX_RANGE_DAYS:
            self.add_error(
                "date_to", _("Choose an end date on or after the start date, within a year.")
            )
            return data
        start_t, end_t = data.get("start_time"), data.get("end_time")
        if (start_t is None) != (end_t is None):
            self.add_error("end_time", _("Give both times, or neither for whole days."))
            return data
        start = dt.datetime.combine(first, start_t or dt.time(0), tzinfo=self.tz)
        end = (
            dt.datetime.combine(last, end_t, tzinfo=self.tz)
            if end_t
            else dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=self.tz)
        )
        if end <= start:
            self.add_error("end_time", _("The end must be after the start."))
        data["start"], data["end"] = start, end
        return data


class DashboardForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("day", _("Day")),
            ("week", _("Week")),
            ("month", _("Month")),
            ("year", _("Year")),
        ],
    )
    date = BoundedDateField(label=_("Including"), required=False, widget=DATE)
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, sites: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "site", forms.ChoiceField).choices = [("", _("All my sites"))] + [
            (s.id, s.name) for s in sites
        ]


class SiteConfigForm(forms.ModelForm):
    open_weekdays = config_fields.weekdays_field(label=_("Open on"))
    closed_nth_weekdays = config_fields.NthWeekdaysField(
        label=_("Closed every month on"),
        help_text=_('e.g. "2nd" "Sunday". Leave a row empty to remove it.'),
    )
    modes = config_fields.modes_field(
        required=False,
        label=_("Ways of holding the interview here"),
        help_text=_("None ticked: every way the interview type offers."),
    )

    class Meta:
        model = Site
        fields = list(config_services.SITE_FIELDS)
        widgets = {"last_start_time": TIME}

    def clean_open_weekdays(self) -> list[int]:
        return sorted(set(self.cleaned_data["open_weekdays"]))

    def clean_modes(self) -> list[str]:
        return config_fields.in_mode_order(self.cleaned_data["modes"])


class ClosureForm(forms.ModelForm):
    class Meta:
        model = SiteClosure
        fields = ["site", "date_from", "date_to", "reason"]
        widgets = {"date_from": DATE, "date_to": DATE}
        field_classes = {"date_from": BoundedDateField, "date_to": BoundedDateField}

    def __init__(self, *args: Any, sites: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site = form_field(self, "site", forms.ModelChoiceField)
        site.queryset = Site.objects.filter(pk__in=[s.pk for s in sites])
        site.empty_label = _("Every site")


class InterviewTypeConfigForm(forms.ModelForm):
    modes = config_fields.modes_field(required=True, label=_("Ways of holding the interview"))
    reminder_hours_before = config_fields.ReminderHoursField(
        label=_("Reminders"),
        help_text=_("Hours before the interview, e.g. 72 and 24. Leave empty for none."),
    )

    class Meta:
        model = InterviewType
        fields = list(config_services.INTERVIEW_TYPE_FIELDS)
        widgets = {"cancel_deadline_time": TIME}

    def clean_modes(self) -> list[str]:
        return config_fields.in_mode_order(self.cleaned_data["modes"])


class MessageTextForm(forms.Form):
    """Her municipality's own wording of one message; the service checks it (see
    notifications.text_services.message_text_check)."""

    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "You may use {{ municipality }}, {{ site }}, {{ address }}, {{ when }}, "
            "{{ when_long }}, {{ reference }}, {{ url }}, {{ contact_phone }} and, for sign-in "
            "codes, {{ code }}."
        ),
    )

    def __init__(self, *args: Any, channel: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if channel != "email":
            del self.fields["subject"]
            self.fields["body"].help_text = _(
                "You may use {{ municipality }}, {{ site }}, {{ when }}, {{ reference }} and, for "
                "sign-in codes, {{ code }}. An SMS may take at most 2 parts, says nothing about "
                "pregnancy or health and has no link."
            )
