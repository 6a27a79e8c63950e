"""API v1 for the contacts of a pregnancy (issue 15): the municipality's contacts and one
pregnancy's timeline, for staff sessions and staff tokens. Who may see what is scheduling.access's
(another municipality's pregnancy, or one she has no part in, is a 404); opening a timeline is
access-logged, as on the staff page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling import access
from scheduling.contact_models import Contact
from scheduling.contacts import pregnancy_contacts
from scheduling.staff_services import access_log_record

from . import serializers as s
from .models import Scope
from .permissions import IsStaff

READS = {"GET": [Scope.READ_BOOKINGS]}


class ContactList(generics.ListAPIView):
    token_scopes = READS
    permission_classes = [IsStaff]
    serializer_class = s.ContactSerializer
    pagination_class = None

    @extend_schema(summary="The contacts of each pregnancy in the municipalities she works for")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Contact]:
        ids = access.scope_for(self.request.user).municipality_ids
        return (
            Contact.objects.filter(municipality_id__in=ids, is_active=True)
            .select_related("interview_type")
            .prefetch_related("sites")
            .order_by("municipality_id", "ordering_key", "id")
        )


class PregnancyTimeline(APIView):
    token_scopes = READS
    permission_classes = [IsStaff]

    @extend_schema(
        responses=s.TimelineSerializer, summary="A pregnancy's contacts and where each stands"
    )
    def get(self, request: Request, pregnancy_id: int) -> Response:
        pregnancy = access.access_pregnancy_as_staff(request.user, pregnancy_id)
        access_log_record(
            user=access.signed_in(request.user), residents=[pregnancy.resident], action="timeline"
        )
        lines = pregnancy_contacts(pregnancy, municipality_id=pregnancy.resident.municipality_id)
        data = {
            "pregnancy": pregnancy.pk,
            "due_date": pregnancy.due_date,
            "outcome": pregnancy.outcome,
            "ended_on": pregnancy.ended_on,
            "babies": pregnancy.babies,
            "contacts": [
                {
                    "contact": line.contact.pk,
                    "code": line.contact.code,
                    "name": line.contact.name,
                    "kind": line.contact.kind,
                    "status": line.status,
                    "window_start": line.window.start,
                    "window_end": line.window.end,
                    "booking": line.booking.reference if line.booking else None,
                    "done_on": line.record.done_on if line.record else None,
                    "outcome": line.record.outcome if line.record else "",
                }
                for line in lines
            ],
        }
        return Response(s.TimelineSerializer(data).data)
