"""A municipality administrator's configuration: sites, closures, interview types and message
texts of her municipality only. (Nurses and roles stay in the Django admin, which is for system
operators.)"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypedDict

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications.models import Message, MessageText
from notifications.text_services import (
    message_text_check,
    message_text_reset,
    message_text_save,
)
from notifications.texts import shipped_source
from scheduling.access import (
    access_closure_as_admin,
    access_interview_type_as_admin,
    access_municipality_admin,
    access_site_as_admin,
    scope_for,
    signed_in,
)
from scheduling.config_services import (
    closure_create,
    closure_delete,
    interview_type_update,
    site_update,
)
from scheduling.models import InterviewType, Language, Municipality, Site, SiteClosure, User
from yurikago.errors import DomainError

from .common import render_staff
from .decorators import municipality_admin_required
from .forms import ClosureForm, InterviewTypeConfigForm, MessageTextForm, SiteConfigForm


def _municipalities(request: HttpRequest) -> list[Municipality]:
    ids = scope_for(request.user).admin_municipality_ids
    return list(Municipality.objects.filter(id__in=ids).order_by("code"))


def _admin_sites(request: HttpRequest) -> list[Site]:
    ids = scope_for(request.user).admin_municipality_ids
    return list(Site.objects.filter(municipality_id__in=ids).order_by("ordering_key", "id"))


@municipality_admin_required
def config(request: HttpRequest) -> HttpResponse:
    ids = scope_for(request.user).admin_municipality_ids
    sites = _admin_sites(request)
    return render_staff(
        request,
        "frontend/staff/config.html",
        {
            "municipalities": _municipalities(request),
            "sites": sites,
            "closures": SiteClosure.objects.filter(municipality_id__in=ids)
            .select_related("site")
            .order_by("-date_from")[:100],
            "types": InterviewType.objects.filter(municipality_id__in=ids).order_by("id"),
            "closure_form": ClosureForm(sites=sites),
        },
    )


def _save(
    request: HttpRequest,
    form: SiteConfigForm | InterviewTypeConfigForm,
    save: Callable[[Mapping[str, object], User], object],
    template: str,
) -> HttpResponse:
    """`save(changes, actor)` calls the update service for the one object the form edits."""
    if request.method == "POST" and form.is_valid():
        try:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            save(changes, signed_in(request.user))
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:config")
    return render_staff(
        request, template, {"form": form}, status=422 if request.method == "POST" else 200
    )


@municipality_admin_required
def site_edit(request: HttpRequest, site_id: int) -> HttpResponse:
    site = access_site_as_admin(request.user, site_id)
    form = SiteConfigForm(request.POST or None, instance=Site.objects.get(pk=site.pk))
    return _save(
        request,
        form,
        lambda changes, actor: site_update(site=site, changes=changes, actor=actor),
        "frontend/staff/config_form.html",
    )


@municipality_admin_required
def interview_type_edit(request: HttpRequest, type_id: int) -> HttpResponse:
    itype = access_interview_type_as_admin(request.user, type_id)
    form = InterviewTypeConfigForm(
        request.POST or None, instance=InterviewType.objects.get(pk=itype.pk)
    )
    return _save(
        request,
        form,
        lambda changes, actor: interview_type_update(
            interview_type=itype, changes=changes, actor=actor
        ),
        "frontend/staff/config_form.html",
    )


@require_POST
@municipality_admin_required
def closure_new(request: HttpRequest) -> HttpResponse:
    municipalities = _municipalities(request)
    form = ClosureForm(request.POST, sites=_admin_sites(request))
    if form.is_valid():
        site = form.cleaned_data["site"]
        municipality = site.municipality if site else municipalities[0]
        try:
            closure_create(
                municipality=municipality,
                site=site,
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
                reason=form.cleaned_data["reason"],
                actor=signed_in(request.user),
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Closure added."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("staff:config")


@require_POST
@municipality_admin_required
def closure_remove(request: HttpRequest, closure_id: int) -> HttpResponse:
    closure = access_closure_as_admin(request.user, closure_id)
    closure_delete(closure=closure, actor=signed_in(request.user))
    messages.success(request, _("Closure removed."))
    return redirect("staff:config")


class _MessageKey(TypedDict):
    """Which message text: the keyword arguments the message_text_* services share."""

    municipality: Municipality
    channel: str
    purpose: str


def _message_key(channel: str, purpose: str, language: str) -> tuple[str, str, str]:
    if (
        channel not in Message.Channel.values
        or purpose not in Message.Purpose.values
        or language not in Language.values
    ):
        raise Http404
    return channel, purpose, language


@municipality_admin_required
def message_texts(request: HttpRequest) -> HttpResponse:
    """Every message × channel × language of her municipalities: shipped or her own."""
    municipalities = _municipalities(request)
    own = {
        (t.municipality_id, t.channel, t.purpose, t.language): t
        for t in MessageText.objects.filter(municipality__in=municipalities)
    }
    tables = []
    for municipality in municipalities:
        rows = []
        for purpose, purpose_label in Message.Purpose.choices:
            for channel, channel_label in Message.Channel.choices:
                cells = [
                    (language, label, own.get((municipality.pk, channel, purpose, language)))
                    for language, label in Language.choices
                ]
                rows.append((purpose, purpose_label, channel, channel_label, cells))
        tables.append((municipality, rows))
    return render_staff(
        request,
        "frontend/staff/message_texts.html",
        {"tables": tables, "languages": Language.choices},
    )


@municipality_admin_required
def message_text_edit(
    request: HttpRequest, municipality_id: int, channel: str, purpose: str, language: str
) -> HttpResponse:
    municipality = access_municipality_admin(request.user, municipality_id)
    channel, purpose, language = _message_key(channel, purpose, language)
    own = MessageText.objects.filter(
        municipality=municipality, channel=channel, purpose=purpose, language=language
    ).first()
    if own is not None:
        initial = {"subject": own.subject, "body": own.body}
    else:
        initial = {"body": shipped_source(channel, purpose, language)}
        if channel == Message.Channel.EMAIL:
            initial["subject"] = shipped_source(channel, f"{purpose}.subject", language)
    form = MessageTextForm(request.POST or None, initial=initial, channel=channel)
    key = _MessageKey(municipality=municipality, channel=channel, purpose=purpose)
    if request.method == "POST" and "reset" in request.POST:
        message_text_reset(**key, language=language, actor=signed_in(request.user))
        messages.success(request, _("The shipped text is back."))
        return redirect("staff:message_texts")
    preview: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        values = {
            "subject": form.cleaned_data.get("subject", ""),
            "body": form.cleaned_data["body"],
        }
        try:
            if "preview" in request.POST:
                preview = message_text_check(**key, language=language, **values)[:1]
            else:
                message_text_save(**key, language=language, **values, actor=signed_in(request.user))
                messages.success(request, _("Saved."))
                return redirect("staff:message_texts")
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            status = 422
    elif request.method == "POST":
        status = 422
    else:
        try:
            preview = message_text_check(
                **key,
                language=language,
                subject=initial.get("subject", ""),
                body=initial["body"],
            )[:1]
        except DomainError:
            preview = []
    return render_staff(
        request,
        "frontend/staff/message_text_form.html",
        {
            "form": form,
            "municipality": municipality,
            "channel_label": Message.Channel(channel).label,
            "purpose_label": Message.Purpose(purpose).label,
            "language_label": Language(language).label,
            "own": own,
            "preview": preview[0] if preview else "",
        },
        status=status,
    )
