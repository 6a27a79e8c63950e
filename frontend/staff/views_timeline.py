"""The staff timeline of a pregnancy (issue 15) and recording a contact's outcome there.

Who may open it is scheduling.access.access_pregnancy_as_staff (another municipality's pregnancy,
or one she has no part in, is a 404); every opening is in the access log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from scheduling.access import access_pregnancy_as_staff, signed_in
from scheduling.contact_models import Contact, PregnancyContact
from scheduling.contact_outcomes import RECORDABLE, pregnancy_contact_record
from scheduling.home_visit_models import HomeVisit
from scheduling.home_visit_services import home_visit_request, resident_address_save
from scheduling.models import Nurse, Pregnancy
from scheduling.questionnaires import sent_answers_by_pregnancy
from scheduling.staff_services import access_log_record
from scheduling.timeline import TimelineEntry, pregnancy_timeline
from yurikago.errors import DomainError

from .common import render_staff
from .decorators import staff_required
from .forms import DATE, BoundedDateField

RECORDABLE_FINAL = ("done", "declined", "not_needed", "missed", "closed")


class ContactOutcomeForm(forms.Form):
    """One form for the page (a form per contact cost more to render than the rest of it)."""

    contact = forms.TypedChoiceField(label=gettext_lazy("Contact"), coerce=int)
    status = forms.ChoiceField(
        label=gettext_lazy("What happened"),
        choices=[(s.value, s.label) for s in RECORDABLE],
    )
    done_on = BoundedDateField(label=gettext_lazy("Done on"), required=False, widget=DATE)
    done_by = forms.TypedChoiceField(
        label=gettext_lazy("Done by"), required=False, coerce=int, empty_value=None
    )
    outcome = forms.CharField(label=gettext_lazy("Outcome"), required=False, max_length=200)
    reason = forms.CharField(
        label=gettext_lazy("Reason (missed, declined, not needed)"), required=False, max_length=200
    )
    staff_notes = forms.CharField(
        label=gettext_lazy("Private staff notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, nurses: list[Nurse], contacts: list[Contact], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["contact"]
        assert isinstance(choice, forms.TypedChoiceField)
        choice.choices = [(c.pk, c.name) for c in contacts]
        field = self.fields["done_by"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—")] + [(n.pk, n.name) for n in nurses]


class HomeVisitForm(forms.Form):
    """Staff arrange a home visit on the phone: her address, then a morning or afternoon."""

    postcode = forms.CharField(label=gettext_lazy("Postcode"), max_length=8)
    town = forms.CharField(label=gettext_lazy("Town and chōme (町丁)"), max_length=100)
    building = forms.CharField(label=gettext_lazy("Building, room"), max_length=200, required=False)
    date = BoundedDateField(label=gettext_lazy("Day"), widget=DATE)
    half = forms.ChoiceField(label=gettext_lazy("Half day"), choices=HomeVisit.Half.choices)


def _visit_form(pregnancy: Pregnancy, entry: TimelineEntry) -> HomeVisitForm | None:
    if entry.contact.kind != Contact.Kind.HOME_VISIT or entry.status in (
        "booked",
        *RECORDABLE_FINAL,
    ):
        return None
    address = getattr(pregnancy.resident, "address", None)
    initial = (
        {"postcode": address.postcode, "town": address.town, "building": address.building}
        if address is not None
        else {}
    )
    return HomeVisitForm(initial=initial, prefix=f"v{entry.contact.pk}", auto_id="id_%s")


def _nurses(pregnancy: Pregnancy) -> list[Nurse]:
    return list(
        Nurse.objects.filter(municipality_id=pregnancy.resident.municipality_id, is_active=True)
        .only("id", "name")
        .order_by("name")
    )


@staff_required
def timeline(request: HttpRequest, pregnancy_id: int) -> HttpResponse:
    pregnancy = access_pregnancy_as_staff(request.user, pregnancy_id)
    access_log_record(
        user=signed_in(request.user), residents=[pregnancy.resident], action="timeline"
    )
    data = pregnancy_timeline(pregnancy)
    answers = sent_answers_by_pregnancy([pregnancy.pk]).get(pregnancy.pk, [])
    if answers:
        access_log_record(
            user=signed_in(request.user),
            residents=[pregnancy.resident],
            action="questionnaire answers",
        )
    nurses = _nurses(pregnancy)
    outcome_form = ContactOutcomeForm(
        initial={"status": PregnancyContact.Status.DONE.value},
        nurses=nurses,
        contacts=[entry.contact for entry in data.entries],
        prefix="o",
    )
    visit_forms = [
        (entry, form) for entry in data.entries if (form := _visit_form(pregnancy, entry))
    ]
    return render_staff(
        request,
        "frontend/staff/timeline.html",
        {
            "pregnancy": pregnancy,
            "resident": pregnancy.resident,
            "entries": data.entries,
            "outcome_form": outcome_form,
            "other_bookings": data.other_bookings,
            "visit_forms": visit_forms,
            "questionnaires": answers,
        },
    )


@require_POST
@staff_required
def visit_arrange(request: HttpRequest, pregnancy_id: int, contact_id: int) -> HttpResponse:
    """Staff on the phone: save her address and ask for a half-day visit for her."""
    pregnancy = access_pregnancy_as_staff(request.user, pregnancy_id)
    contact = Contact.objects.filter(
        pk=contact_id,
        municipality_id=pregnancy.resident.municipality_id,
        kind=Contact.Kind.HOME_VISIT,
    ).first()
    if contact is None:
        raise Http404
    url = reverse("staff:timeline", args=[pregnancy.pk]) + f"#contact-{contact.pk}"
    form = HomeVisitForm(request.POST, prefix=f"v{contact.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(url)
    cd = form.cleaned_data
    try:
        resident_address_save(
            resident=pregnancy.resident,
            postcode=cd["postcode"],
            town=cd["town"],
            building=cd["building"],
        )
        home_visit_request(
            pregnancy=pregnancy,
            contact=contact,
            date=cd["date"],
            half=cd["half"],
            by_staff=True,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("Visit asked for. The district nurse will confirm the time with her.")
        )
    return redirect(url)


@require_POST
@staff_required
def contact_record(request: HttpRequest, pregnancy_id: int) -> HttpResponse:
    pregnancy = access_pregnancy_as_staff(request.user, pregnancy_id)
    contacts = list(
        Contact.objects.filter(municipality_id=pregnancy.resident.municipality_id, is_active=True)
    )
    nurses = _nurses(pregnancy)
    form = ContactOutcomeForm(request.POST, nurses=nurses, contacts=contacts, prefix="o")
    url = reverse("staff:timeline", args=[pregnancy.pk])
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(url)
    cd = form.cleaned_data
    contact = next(c for c in contacts if c.pk == cd["contact"])
    url += f"#contact-{contact.pk}"
    done_by = next((n for n in nurses if n.pk == cd["done_by"]), None)
    try:
        pregnancy_contact_record(
            pregnancy=pregnancy,
            contact=contact,
            status=cd["status"],
            done_on=cd["done_on"],
            done_by=done_by,
            outcome=cd["outcome"],
            reason=cd["reason"],
            staff_notes=cd["staff_notes"],
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Saved: %(contact)s.") % {"contact": contact.name})
    return redirect(url)
