"""A municipality administrator's contacts (issue 15): the list, a new contact, and editing one
(name in every language, kind, due rule, who may do it, modes, duration, needs a booking).
Who may: scheduling.access (access_contact_as_admin; her municipalities only, else 404). Writes:
scheduling.contact_config_services, which also holds the rules; a refusal comes back on the
form (422), translated, with nothing written."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from scheduling.access import (
    access_contact_as_admin,
    access_municipality_admin,
    scope_for,
    signed_in,
)
from scheduling.contact_config_services import contact_create, contact_update
from scheduling.contact_models import Contact
from yurikago.errors import DomainError

from .common import render_staff
from .contact_config_forms import ContactConfigForm
from .decorators import municipality_admin_required

TEMPLATE = "frontend/staff/contact_form.html"


@municipality_admin_required
def contacts_config(request: HttpRequest) -> HttpResponse:
    contacts = (
        Contact.objects.filter(municipality_id__in=scope_for(request.user).admin_municipality_ids)
        .select_related("municipality", "interview_type")
        .prefetch_related("sites", "districts")
        .order_by("municipality__code", "ordering_key", "id")
    )
    return render_staff(request, "frontend/staff/contacts.html", {"contacts": list(contacts)})


def _refused(form: ContactConfigForm, exc: DomainError) -> None:
    field = exc.field if isinstance(exc.field, str) and exc.field in form.fields else None
    form.add_error(field, str(exc.message))


def _render(request: HttpRequest, form: ContactConfigForm, **context: Any) -> HttpResponse:
    status = 422 if request.method == "POST" else 200
    return render_staff(request, TEMPLATE, {"form": form, **context}, status=status)


@municipality_admin_required
def contact_new(request: HttpRequest) -> HttpResponse:
    admin_of = scope_for(request.user).admin_municipality_ids
    form = ContactConfigForm(request.POST or None, municipality_ids=admin_of, contact=None)
    if request.method == "POST" and form.is_valid():
        sites = list(form.cleaned_data["sites"])
        districts = list(form.cleaned_data["districts"])
        # Her (first) municipality; a choice of site or district names the one she means.
        owner = next((x.municipality_id for x in [*sites, *districts]), min(admin_of, default=0))
        try:
            contact_create(
                municipality=access_municipality_admin(request.user, owner),
                values=form.values(),
                sites=sites,
                districts=districts,
                actor=signed_in(request.user),
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:contacts_config")
    return _render(request, form, contact=None)


@municipality_admin_required
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = access_contact_as_admin(request.user, contact_id)
    form = ContactConfigForm(request.POST or None, municipality_ids=frozenset(), contact=contact)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        changes = {k: v for k, v in values.items() if getattr(contact, k) != v}
        try:
            contact_update(
                contact=contact,
                changes=changes,
                sites=form.cleaned_data["sites"],
                districts=form.cleaned_data["districts"],
                actor=signed_in(request.user),
            )
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:contacts_config")
    return _render(request, form, contact=contact)
