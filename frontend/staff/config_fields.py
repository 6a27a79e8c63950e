"""Form controls for the JSON-stored parts of a site and an interview type, so an administrator
never types JSON: open days and modes as checkboxes, "closed on the 2nd Sunday" as pairs of
selects, reminders as hour numbers. Each field cleans to exactly the stored format."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from scheduling.models import Mode

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
NTH = [
    (1, pgettext_lazy("week of the month", "1st")),
    (2, pgettext_lazy("week of the month", "2nd")),
    (3, pgettext_lazy("week of the month", "3rd")),
    (4, pgettext_lazy("week of the month", "4th")),
    (5, pgettext_lazy("week of the month", "5th")),
]
MAX_REMINDER_HOURS = 720  # 30 days: further ahead a reminder reminds nobody


def _rows(data: Mapping[str, Any], name: str, suffixes: Sequence[str]) -> list[list[str]]:
    """The numbered inputs name_0…, name_1… that came in, as rows of raw strings."""
    rows = []
    i = 0
    while any(f"{name}_{i}{s}" in data for s in suffixes):
        rows.append([str(data.get(f"{name}_{i}{s}", "")) for s in suffixes])
        i += 1
    return rows


class NthWeekdaysWidget(forms.Widget):
    """One row of two selects ("2nd" "Sunday") per closure, and one blank row to add another."""

    template_name = "frontend/staff/widgets/nth_weekdays.html"
    use_fieldset = True

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows = [[str(n), str(d)] for n, d in (value or [])]
        rows.append(["", ""])
        context["rows"] = [
            {"index": i, "n": n, "weekday": d, "name": f"{name}_{i}"}
            for i, (n, d) in enumerate(rows)
        ]
        context["nth_choices"] = [(str(v), label) for v, label in NTH]
        context["weekday_choices"] = [(str(v), label) for v, label in WEEKDAYS]
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[list[str]]:
        return _rows(data, name, ("_n", "_weekday"))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not _rows(data, name, ("_n", "_weekday"))

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0_n" if id_ else id_


class NthWeekdaysField(forms.Field):
    """[[n, weekday], …]: closed on the n-th given weekday of every month (n 1–5, Monday 0)."""

    widget = NthWeekdaysWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[list[int]]:
        found: list[list[int]] = []
        for n, weekday in value or []:
            n, weekday = str(n).strip(), str(weekday).strip()
            if not n and not weekday:
                continue
            if not n or not weekday:
                raise ValidationError(
                    _("Choose both the week and the day, or neither."), code="incomplete"
                )
            try:
                pair = [int(n), int(weekday)]
            except ValueError:
                raise ValidationError(_("Choose from the list."), code="invalid") from None
            if not (1 <= pair[0] <= 5 and 0 <= pair[1] <= 6):
                raise ValidationError(_("Choose from the list."), code="invalid")
            if pair not in found:
                found.append(pair)
        return sorted(found)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != sorted([int(n), int(d)] for n, d in initial or [])
        except ValidationError:
            return True


class HoursWidget(forms.Widget):
    """A number input per reminder (hours before the interview), and one blank to add one."""

    template_name = "frontend/staff/widgets/hours.html"
    use_fieldset = True

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        values = [str(v) for v in (value or [])] + [""]
        context["rows"] = [
            {"index": i, "value": v, "name": f"{name}_{i}"} for i, v in enumerate(values)
        ]
        context["max_hours"] = MAX_REMINDER_HOURS
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [row[0] for row in _rows(data, name, ("",))]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not _rows(data, name, ("",))

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_


class ReminderHoursField(forms.Field):
    """[72, 24]: reminders this many hours before the interview, longest first, none twice."""

    widget = HoursWidget

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[int]:
        hours: set[int] = set()
        for raw in value or []:
            text = str(raw).strip()
            if not text:
                continue
            if not text.isdigit() or not 1 <= int(text) <= MAX_REMINDER_HOURS:
                raise ValidationError(
                    _("Enter a number of hours from 1 to %(max)s.") % {"max": MAX_REMINDER_HOURS},
                    code="invalid",
                )
            hours.add(int(text))
        return sorted(hours, reverse=True)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != sorted(initial or [], reverse=True)
        except ValidationError:
            return True


def weekdays_field(**kwargs: Any) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        error_messages={"required": _("Choose at least one day the site is open.")},
        **kwargs,
    )


def modes_field(*, required: bool, **kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=Mode.choices,
        required=required,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        error_messages={"required": _("Choose at least one way to hold the interview.")},
        **kwargs,
    )


def in_mode_order(modes: Sequence[str]) -> list[str]:
    return [m for m in Mode.values if m in modes]
