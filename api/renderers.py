"""Non-JSON representations: CSV for reports (Excel-friendly), iCalendar for one booking.

Errors on these endpoints are still problem+json: the renderers hand anything that is not
their own payload to the JSON renderer.
"""

from __future__ import annotations

import abc
import csv
import io
from typing import Any

from rest_framework import renderers


class _PassErrorsToJson(renderers.BaseRenderer, abc.ABC):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400:
            return renderers.JSONRenderer().render(data)
        return self.render_payload(data)

    @abc.abstractmethod
    def render_payload(self, data: Any) -> bytes: ...


class CsvRenderer(_PassErrorsToJson):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render_payload(self, data: Any) -> bytes:
        out = io.StringIO()
        # The BOM tells Excel (what municipal offices open CSV with) that this is UTF-8.
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        for row in data or []:
            writer.writerow(row)
        return out.getvalue().encode("utf-8")


class IcsRenderer(_PassErrorsToJson):
    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render_payload(self, data: Any) -> bytes:
        return data if isinstance(data, bytes) else b""
