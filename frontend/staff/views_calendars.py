"""The calendar settings page: a nurse (or an administrator for her) manages her secret feed
and her external calendars; a manager manages her sites' feeds.

It sits behind the staff portal's gate (signed in, staff, TOTP in this session): it hands out
secret addresses and takes in calendar addresses, as sensitive as any staff page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from frontend.staff.common import render_staff
from frontend.staff.decorators import staff_required
from scheduling import access
from scheduling.calendars import selectors, services
from scheduling.calendars.errors import describe
from scheduling.calendars.forms import CalendarUploadForm, CalendarUrlForm
from scheduling.models import Nurse, Site
from yurikago.errors import DomainError


def _subject(request: HttpRequest) -> Nurse | None:
    """The nurse whose calendars are managed: ?nurse=<id> (through access_nurse), else herself.
    None for a manager who is not a nurse (she only manages site feeds). Residents: 404."""
    scope = access.scope_for(request.user)
    if not scope.is_staff and scope.nurse_id is None:
        raise Http404
    wanted = request.GET.get("nurse") or request.POST.get("nurse") or ""
    if wanted:
        if not wanted.isdigit():
            raise Http404
        return access.access_nurse(request.user, int(wanted))
    if scope.nurse_id is not None:
        return access.access_nurse(request.user, scope.nurse_id)
    if not access.manager_site_ids(request.user):
        raise Http404
    return None


def _require_nurse(request: HttpRequest) -> Nurse:
    nurse = _subject(request)
    if nurse is None:
        raise Http404
    return nurse


def _settings_url(request: HttpRequest, nurse: Nurse | None) -> str:
    url = reverse("calendars:settings")
    scope = access.scope_for(request.user)
    if nurse is not None and nurse.pk != scope.nurse_id:
        url += f"?nurse={nurse.pk}"
    return url


def _feed_url(request: HttpRequest, kind: str, token: str) -> str:
    path = reverse(f"calendars:{kind}_feed", kwargs={"token": token})
    return f"{settings.SITE_ROOT}{path}"


def _page(
    request: HttpRequest, nurse: Nurse | None, *, status: int = 200, **extra: Any
) -> HttpResponse:
    now = timezone.now()
    calendars = list(selectors.calendars_for_nurse(nurse)) if nurse else []
    for calendar in calendars:
        calendar.error_text = describe(calendar.last_error)  # type: ignore[attr-defined]
    managed = access.manager_site_ids(request.user)
    conflicts = selectors.bookings_with_calendar_conflicts(
        now=now, nurse_id=nurse.pk if nurse else None, site_ids=managed
    )
    context = {
        "nurse": nurse,
        "settings_url": _settings_url(request, nurse),
        "nurse_query": f"?nurse={nurse.pk}" if nurse else "",
        "calendars": calendars,
        "url_form": extra.pop("url_form", None) or CalendarUrlForm(),
        "upload_form": extra.pop("upload_form", None) or CalendarUploadForm(),
        "sites": Site.objects.filter(pk__in=managed).order_by("ordering_key", "id"),
        "conflicts": conflicts,
        **extra,
    }
    response = render_staff(request, "calendars/settings.html", context, status=status)
    # The page may show a secret address right after a rotation: never store it anywhere.
    response["Cache-Control"] = "no-store"
    return response


@staff_required
@require_http_methods(["GET", "HEAD"])
def settings_page(request: HttpRequest) -> HttpResponse:
    return _page(request, _subject(request))


@staff_required
@require_POST
def feed_rotate(request: HttpRequest) -> HttpResponse:
    nurse = _require_nurse(request)
    token = services.nurse_feed_rotate(nurse=nurse)
    return _page(request, nurse, new_feed_url=_feed_url(request, "nurse", token))


@staff_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    nurse = _require_nurse(request)
    services.nurse_feed_revoke(nurse=nurse)
    messages.success(request, _("The calendar feed address has been switched off."))
    return HttpResponseRedirect(_settings_url(request, nurse))


@staff_required
@require_POST
def site_feed_rotate(request: HttpRequest, site_id: int) -> HttpResponse:
    site = access.access_site_feed(request.user, site_id)
    nurse = _subject(request)
    token = services.site_feed_rotate(site=site)
    return _page(
        request, nurse, new_site_feed_url=_feed_url(request, "site", token), new_site_feed_site=site
    )


@staff_required
@require_POST
def site_feed_revoke(request: HttpRequest, site_id: int) -> HttpResponse:
    site = access.access_site_feed(request.user, site_id)
    nurse = _subject(request)
    services.site_feed_revoke(site=site)
    messages.success(request, _("The site's calendar feed address has been switched off."))
    return HttpResponseRedirect(_settings_url(request, nurse))


@staff_required
@require_POST
def calendar_add(request: HttpRequest) -> HttpResponse:
    nurse = _require_nurse(request)
    form = CalendarUrlForm(request.POST)
    if form.is_valid():
        try:
            services.calendar_add_url(
                nurse=nurse, url=form.cleaned_data["url"], name=form.cleaned_data["name"]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Calendar added. Its busy times are being imported."))
            return HttpResponseRedirect(_settings_url(request, nurse))
    return _page(request, nurse, status=400, url_form=form)


@staff_required
@require_POST
def calendar_upload(request: HttpRequest) -> HttpResponse:
    nurse = _require_nurse(request)
    form = CalendarUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        # One byte over the cap is enough for the service to refuse it; no need to read 1 GB.
        content = upload.read(settings.CALENDAR_FETCH_MAX_BYTES + 1)
        try:
            services.calendar_add_upload(
                nurse=nurse, content=content, name=form.cleaned_data["name"] or upload.name
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            # Received, not imported: the sync task reads it after this response.
            messages.success(
                request, _("Calendar file received. Its busy times are being imported.")
            )
            return HttpResponseRedirect(_settings_url(request, nurse))
    return _page(request, nurse, status=400, upload_form=form)


@staff_required
@require_POST
def calendar_sync_now(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = access.access_calendar(request.user, calendar_id)
    services.calendar_request_sync(calendar=calendar, force=True)
    messages.success(request, _("Sync started. Refresh this page in a moment."))
    return HttpResponseRedirect(_settings_url(request, calendar.nurse))


@staff_required
@require_POST
def calendar_remove(request: HttpRequest, calendar_id: int) -> HttpResponse:
    calendar = access.access_calendar(request.user, calendar_id)
    nurse = calendar.nurse
    services.calendar_remove(calendar=calendar)
    messages.success(request, _("Calendar removed, with its busy times."))
    return HttpResponseRedirect(_settings_url(request, nurse))
