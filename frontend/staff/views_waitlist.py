"""The waitlist as staff see it (issue 16): per site, who is waiting for an earlier time, in
the order they will be offered one, with her current offer; and the places refilled through
accepted offers. Who sees which sites: scheduling.access.waitlist_entries_visible_to. Every
resident shown is access-logged, as on the follow-up list."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from scheduling.access import signed_in, waitlist_entries_visible_to
from scheduling.staff_services import access_log_record
from scheduling.waitlist_models import WaitlistEntry, WaitlistOffer
from scheduling.waitlist_services import places_refilled

from .common import render_staff, staff_sites
from .decorators import staff_required


@staff_required
def waitlist(request: HttpRequest) -> HttpResponse:
    sites = staff_sites(request)
    chosen = request.GET.get("site", "")
    site_ids = [s.pk for s in sites if not chosen or str(s.pk) == chosen]
    entries = list(
        waitlist_entries_visible_to(request.user)
        .filter(status=WaitlistEntry.Status.ACTIVE, sites__in=site_ids)
        .distinct()
        .select_related("pregnancy__resident", "booking__site")
        .prefetch_related("sites")
        .order_by("created_at", "pk")
    )
    if entries:
        access_log_record(
            user=signed_in(request.user),
            residents=[e.pregnancy.resident for e in entries],
            action="list",
        )
    pending = {
        o.entry_id: o
        for o in WaitlistOffer.objects.filter(
            entry__in=entries, status=WaitlistOffer.Status.PENDING
        ).select_related("site")
    }
    return render_staff(
        request,
        "frontend/staff/waitlist.html",
        {
            "sites": sites,
            "chosen": chosen,
            "rows": [(e, pending.get(e.pk)) for e in entries],
            "refilled": places_refilled(site_ids=site_ids),
        },
    )
