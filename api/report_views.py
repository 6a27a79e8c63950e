"""API v1 reports: utilisation per site, as JSON or CSV."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling import access
from scheduling.reports import utilisation_report

from . import serializers as s
from .exceptions import ApiError
from .models import Scope
from .permissions import IsManager
from .renderers import CsvRenderer
from .view_support import (
    query_params,
)

# --- Reports ----------------------------------------------------------------------------------


class UtilisationView(APIView):
    token_scopes = {"GET": [Scope.REPORTS]}
    permission_classes = [IsManager]
    renderer_classes = [JSONRenderer, CsvRenderer]

    @extend_schema(
        parameters=[s.UtilisationQuery],
        responses={200: s.UtilisationSerializer, (200, "text/csv"): OpenApiTypes.STR},
        summary="Utilisation per site (JSON, or CSV with Accept: text/csv)",
        description="`from` defaults to the first day of this month and `to` to its last day.",
    )
    def get(self, request: Request) -> Response:
        query = query_params(s.UtilisationQuery, request)
        site_ids = access.manager_site_ids(request.user)
        if query.get("site") is not None:
            if query["site"] not in site_ids:
                raise ApiError("not_found", _("No such site."), 404, field="site")
            site_ids = frozenset({query["site"]})
        today = timezone.localdate()
        # A lone `to` reports its own month; a lone `from`, the rest of its month.
        date_from, date_to = s.date_range(
            query,
            default_from=lambda to: (to or today).replace(day=1),
            default_to=lambda first: (
                (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
            ),
        )
        report = utilisation_report(site_ids=site_ids, date_from=date_from, date_to=date_to)
        if isinstance(request.accepted_renderer, CsvRenderer):
            filename = f"utilisation-{date_from.isoformat()}-{date_to.isoformat()}.csv"
            return Response(
                report.to_csv_rows(),
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(s.UtilisationSerializer(report).data)
