"""A municipality administrator's configuration: sites, closures and interview types of her
municipality only. (Message texts are the notifications app's; nurses and roles stay in the
Django admin, which is for system operators.)"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scheduling.access import scope_for
from scheduling.config_services import (
    closure_create,
    closure_delete,
    interview_type_update,
    site_update,
)
from scheduling.errors import BookingError
from scheduling.models import InterviewType, Municipality, Site, SiteClosure

from .common import render_staff
from .decorators import municipality_admin_required
from .forms import ClosureForm, InterviewTypeConfigForm, SiteConfigForm


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
    service: object,
    obj: object,
    template: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            service(changes=changes, actor=request.user, **obj)  # type: ignore[operator]
        except BookingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:config")
    return render_staff(
        request, template, {"form": form}, status=422 if request.method == "POST" else 200
    )


@municipality_admin_required
def site_edit(request: HttpRequest, site_id: int) -> HttpResponse:
    ids = scope_for(request.user).admin_municipality_ids
    site = Site.objects.filter(pk=site_id, municipality_id__in=ids).first()
    if site is None:
        raise Http404
    form = SiteConfigForm(request.POST or None, instance=Site.objects.get(pk=site.pk))
    return _save(request, form, site_update, {"site": site}, "frontend/staff/config_form.html")


@municipality_admin_required
def interview_type_edit(request: HttpRequest, type_id: int) -> HttpResponse:
    ids = scope_for(request.user).admin_municipality_ids
    itype = InterviewType.objects.filter(pk=type_id, municipality_id__in=ids).first()
    if itype is None:
        raise Http404
    form = InterviewTypeConfigForm(
        request.POST or None, instance=InterviewType.objects.get(pk=itype.pk)
    )
    return _save(
        request,
        form,
        interview_type_update,
        {"interview_type": itype},
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
                actor=request.user,
            )  # type: ignore[arg-type]
        except BookingError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Closure added."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("staff:config")


@require_POST
@municipality_admin_required
def closure_remove(request: HttpRequest, closure_id: int) -> HttpResponse:
    ids = scope_for(request.user).admin_municipality_ids
    closure = SiteClosure.objects.filter(pk=closure_id, municipality_id__in=ids).first()
    if closure is None:
        raise Http404
    closure_delete(closure=closure, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Closure removed."))
    return redirect("staff:config")
