"""The form of a municipality administrator's contact page (issue 15): a plain form (not a model
form), so the rules live once, in scheduling.contact_config_services; the form only turns the
post into typed values, with choices limited to her municipality's sites, districts and
interview types. The name has a field per other language (stored as JSON; empty: Japanese)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from scheduling.contact_models import Contact
from scheduling.home_visit_models import District
from scheduling.models import InterviewType, Site

from .config_fields import modes_field

OTHER_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES if code != "ja"]
CHOICES = forms.CheckboxSelectMultiple(attrs={"class": "choices"})
OWN_FIELDS = (
    "code",
    "name",
    "kind",
    "due_basis",
    "due_from",
    "due_until",
    "qualification",
    "modes",
    "duration_minutes",
    "needs_booking",
    "optional",
    "interview_type",
    "bring",
    "call_from",
    "ordering_key",
    "is_active",
)


def name_field(code: str) -> str:
    return "name_" + code.replace("-", "_")


class ContactConfigForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=50,
        help_text=_("Letters, numbers and hyphens; used in links, e.g. interview-8m."),
        error_messages={"invalid": _("Enter a code of letters, numbers, hyphens or underscores.")},
    )
    name = forms.CharField(label=_("Name (Japanese)"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Contact.Kind.choices)
    due_basis = forms.ChoiceField(label=_("Falls due"), choices=Contact.DueBasis.choices)
    due_from = forms.IntegerField(
        label=_("From (week of pregnancy or day after birth)"),
        required=False,
        min_value=0,
        max_value=32767,
    )
    due_until = forms.IntegerField(
        label=_("Until (week of pregnancy or day after birth)"),
        required=False,
        min_value=0,
        max_value=32767,
        help_text=_("Both inclusive. Leave both empty for “at the pregnancy notification”."),
    )
    qualification = forms.ChoiceField(
        label=_("Who may do it"), choices=Contact.Qualification.choices
    )
    sites = forms.ModelMultipleChoiceField(
        label=_("Sites"),
        queryset=Site.objects.none(),
        required=False,
        widget=CHOICES,
        help_text=_("None chosen: any site."),
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts (home visits)"),
        queryset=District.objects.none(),
        required=False,
        widget=CHOICES,
        help_text=_("None chosen: every district."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=240, initial=30
    )
    needs_booking = forms.BooleanField(label=_("Needs a booking"), required=False, initial=True)
    optional = forms.BooleanField(label=_("Only for those who ask"), required=False)
    interview_type = forms.ModelChoiceField(
        label=_("Interview type (how it is booked)"),
        queryset=InterviewType.objects.none(),
        required=False,
        empty_label=_("A new one for this contact"),
        help_text=_("Its duration, notice, reminders and cancellation rules apply to bookings."),
    )
    bring = forms.CharField(
        label=_("What to bring (Japanese)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    call_from = forms.CharField(
        label=_("We call from (phone interviews)"),
        required=False,
        max_length=20,
        help_text=_("Leave empty for the municipality's phone number."),
    )
    ordering_key = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self, *args: Any, municipality_ids: frozenset[int], contact: Contact | None, **kwargs: Any
    ) -> None:
        if contact is not None:
            kwargs.setdefault("initial", self.initial_of(contact))
        super().__init__(*args, **kwargs)
        self.fields["modes"] = modes_field(required=False, label=_("Modes"))
        translations = contact.name_translations if contact is not None else {}
        for code, language in OTHER_LANGUAGES:
            self.fields[name_field(code)] = forms.CharField(
                label=_("Name in %(language)s") % {"language": language},
                required=False,
                max_length=100,
                initial=translations.get(code, ""),
            )
        sites = self.fields["sites"]
        districts = self.fields["districts"]
        itype = self.fields["interview_type"]
        assert isinstance(sites, forms.ModelMultipleChoiceField)
        assert isinstance(districts, forms.ModelMultipleChoiceField)
        assert isinstance(itype, forms.ModelChoiceField)
        # Only the contact's municipality (editing), or those she administers (creating).
        ids = {contact.municipality_id} if contact is not None else municipality_ids
        sites.queryset = Site.objects.filter(municipality_id__in=ids).order_by("ordering_key", "id")
        districts.queryset = District.objects.filter(municipality_id__in=ids).order_by("code")
        itype.queryset = InterviewType.objects.filter(municipality_id__in=ids).order_by("id")
        names = [name_field(code) for code, _language in OTHER_LANGUAGES]
        order = ["code", "name", *names, *OWN_FIELDS[2:7], "sites", "districts", *OWN_FIELDS[7:]]
        self.order_fields(order)

    @staticmethod
    def initial_of(contact: Contact) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(contact, name) for name in OWN_FIELDS}
        initial["sites"] = list(contact.sites.all())
        initial["districts"] = list(contact.districts.all())
        return initial

    def values(self) -> dict[str, Any]:
        """The contact's own fields, as the services take them (many-to-many ones apart)."""
        data = dict(self.cleaned_data)
        values = {name: data[name] for name in OWN_FIELDS}
        values["name"] = values["name"].strip()
        values["name_translations"] = {
            code: text
            for code, _language in OTHER_LANGUAGES
            if (text := (data.get(name_field(code)) or "").strip())
        }
        return values
