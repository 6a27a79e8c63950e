"""API v1 public views (sites, availability), holds, and the not-found answer for anything else
under /api/. Bookings are in booking_views.py, nurses' schedules in schedule_views.py, reports
in report_views.py, contacts in contact_views.py. Views parse, call one service or selector, and
respond; access is decided in scheduling.access.

Times go out as ISO 8601 with the municipality's offset (+09:00): each view activates the
municipality's time zone before it serialises.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling import access, selectors, services
from scheduling.availability import Slot, open_slots_cached_as
from scheduling.models import (
    Booking,
    Municipality,
    Site,
)
from yurikago import session_user

from . import availability_cache
from . import serializers as s
from .exceptions import ApiError, slot_json
from .permissions import IsSignedIn
from .throttling import HOLD_THROTTLES
from .view_support import (
    DEFAULT_RANGE_DAYS,
    WRITES,
    caller_municipality,
    contact_and_type,
    municipality_and_type,
    query_params,
    staff_at,
    use_municipality_tz,
)

# --- Public: sites and availability -----------------------------------------------------------


class SiteList(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[s.MunicipalityQuery],
        responses=s.SiteSerializer(many=True),
        summary="The municipality's sites, with address, modes and opening days",
    )
    def get(self, request: Request) -> Response:
        query = query_params(s.MunicipalityQuery, request)
        municipality = caller_municipality(request, query.get("municipality"))
        return Response(s.SiteSerializer(selectors.sites_for(municipality), many=True).data)


class AvailabilityView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[s.AvailabilityQuery],
        responses=s.AvailabilitySerializer,
        summary="Open slots with remaining capacity",
        description="`from` defaults to today and `to` to 30 days later (at most 92 days). "
        "Omit `site` to search every site of the municipality.",
    )
    def get(self, request: Request) -> HttpResponse:
        now = timezone.now()
        query_string = request.META.get("QUERY_STRING", "")
        own_code = None
        # A signed-in caller without `municipality` gets her own municipality's answer, which is
        # the named one's: a resident's is found in one small query and goes into the key, so
        # residents of one municipality share copies (her identity never does). Other callers
        # (staff, tokens) decide theirs by access and are not kept. An empty value is no
        # municipality, as the query serializer reads it (its last value, like the serializer).
        if not request.query_params.get("municipality") and request.user.is_authenticated:
            known, own_code = session_user.own_municipality_code(request.user)
            if not known:
                own_code = availability_cache.resident_municipality_code(request.user.pk)
            if own_code is None:
                return _json_response(_availability_answer(request, now, None)[1])
            query_string = f"{query_string}|own={own_code}"
        stamp = availability_cache.stamp_now(now, _site_asked(request))
        key = availability_cache.answer_key(query_string, now)
        if stamp is not None:
            # The hot path at 09:00: this process answered the same arguments in this minute
            # under this generation, so one small cache read (the stamp) is the whole cost.
            body = availability_cache.answers.get(key, stamp)
            if body is not None:
                return _json_response(body)
        computed_at, body = _availability_answer(request, now, stamp, own_code)
        if stamp is not None:
            deadline = availability_cache.kept_for(stamp, computed_at)
            availability_cache.answers.put(
                key, stamp, deadline=deadline, value=body, size=len(body)
            )
        return _json_response(body)


def _availability_answer(
    request: Request,
    now: dt.datetime,
    stamp: availability_cache.Stamp | None,
    own_code: str | None = None,
) -> tuple[float, bytes]:
    """The answer's JSON, with when its slots were computed (see _stamped_slots_json).
    `own_code`: the signed-in resident's municipality, answered as if she had named it."""
    query = query_params(s.AvailabilityQuery, request)
    if own_code is not None:
        query = {**query, "municipality": own_code}
    municipality, itype = municipality_and_type(request, query, stamp)
    site_ids = None if query.get("site") is None else [query["site"]]
    today = now.astimezone(municipality.tz).date()
    date_from, date_to = s.date_range(
        query,
        default_from=lambda _to: today,
        default_to=lambda first: first + dt.timedelta(days=DEFAULT_RANGE_DAYS),
    )
    computed_at, slots = open_slots_cached_as(
        _stamped_slots_json,
        municipality=municipality,
        interview_type=itype,
        date_from=date_from,
        date_to=date_to,
        site_ids=site_ids,
        mode=query.get("mode") or (itype.modes[0] if itype.modes else "in_person"),
        now=now,
    )
    # The engine only ever finds slots at active sites of the municipality, so only an empty
    # answer needs the site checked: one query fewer on the hot path.
    if slots == b"[]" and site_ids is not None and not _site_exists(municipality, site_ids[0]):
        raise ApiError("not_found", _("No such site."), 404, field="site")
    # The slots come from the shared cache as JSON bytes, so a hit there costs no serialising.
    # Same bytes and headers as DRF's JSONRenderer gave (compact, UTF-8).
    head = _compact_json(
        {
            "municipality": municipality.code,
            "interview_type": itype.code,
            "time_zone": municipality.time_zone,
        }
    )
    return computed_at, head[:-1] + b',"slots":' + slots + b"}"


def _site_asked(request: Request) -> int | None:
    """The site as the query serializer will read it (its last value), before it validates:
    a value that is no site id picks the all-sites generation, and its answer is an error,
    which is never kept."""
    site = request.query_params.get("site")
    try:
        return int(site) if site else None
    except ValueError:
        return None


def _json_response(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type="application/json")


def _site_exists(municipality: Municipality, site_id: int) -> bool:
    return Site.objects.filter(pk=site_id, municipality=municipality, is_active=True).exists()


def _compact_json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _stamped_slots_json(slots: list[Slot]) -> tuple[float, bytes]:
    """The slots as JSON, with when they were computed: a per-process copy of an answer made
    from a shared entry must end no later than that entry does."""
    # Slot times are in the municipality's zone, so the JSON carries its offset (+09:00); the
    # response's time_zone names that zone.
    return timezone.now().timestamp(), _compact_json([slot_json(slot) for slot in slots])


# --- Holds ------------------------------------------------------------------------------------


class HoldCreate(APIView):
    permission_classes = [IsSignedIn]
    token_scopes = WRITES
    throttle_classes = HOLD_THROTTLES

    @extend_schema(
        request=s.SlotRequest,
        responses={201: s.HoldSerializer},
        summary="Hold a slot for a few minutes while she confirms",
    )
    def post(self, request: Request) -> Response:
        body = s.SlotRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        site = access.access_site_for_booking(request.user, data["site"])
        contact, itype = contact_and_type(site.municipality, data)
        hold = services.booking_hold(
            site=site,
            interview_type=itype,
            contact=contact,
            start=data["start"],
            mode=data["mode"],
            actor=request.user,
            hold_owner=access.hold_owner_key(request.user),
            staff=staff_at(request, site.pk),
            channel=Booking.Channel.API,
        )
        use_municipality_tz(site.municipality)
        return Response(s.HoldSerializer(hold).data, status=status.HTTP_201_CREATED)


class HoldDetail(APIView):
    permission_classes = [IsSignedIn]
    token_scopes = WRITES

    @extend_schema(responses={204: None}, summary="Release a hold now")
    def delete(self, request: Request, hold_id: str) -> Response:
        hold = access.access_api_hold(request.user, hold_id)
        services.booking_release_hold(booking=hold, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Anything else under /api/ ----------------------------------------------------------------


class NotFoundView(APIView):
    """Unknown paths under /api/ answer with a problem, not the HTML 404 page."""

    permission_classes = [AllowAny]
    throttle_classes: list[type] = []
    schema = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise Http404
