"""One error shape for the whole API: RFC 9457 problem details.

Every error, from DRF (validation, parse, 401/403/404/405/406/415, throttling), from Django
(Http404, PermissionDenied) or from the domain services (DomainError), leaves through
`problem_details_handler` as application/problem+json with `type`, `title`, `status`, `detail`
and a machine-readable `code`; field errors add `errors`, a taken slot adds `alternatives`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from yurikago.errors import DomainError

if TYPE_CHECKING:
    from scheduling.availability import Slot

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://yurikago.example/problems/"


class ApiError(exceptions.APIException):
    """An API-level refusal with its own code (idempotency, bad parameters)."""

    def __init__(
        self, code: str, detail: str, status_code: int = 422, field: str | None = None
    ) -> None:
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.field = field


# A domain error's code -> the HTTP status the API answers with (anything else: 422). The error
# itself (yurikago.errors.DomainError) knows nothing about HTTP.
DOMAIN_ERROR_STATUS = {
    "slot_unavailable": 409,
    "already_booked": 409,
    "hold_expired": 410,
    "deadline_passed": 422,
    "invalid_state": 409,
    "not_started": 422,
    "in_past": 422,
    "outside_window": 422,
    "closed": 422,
    "mode_unavailable": 422,
    "not_found": 404,
    "invalid": 422,
    "stranded_bookings": 409,
}


def domain_error_status(exc: DomainError) -> int:
    return DOMAIN_ERROR_STATUS.get(exc.code, 422)


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Not signed in"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        410: _("Gone"),
        413: _("Request too large"),
        415: _("Unsupported media type"),
        422: _("Unprocessable request"),
        429: _("Too many requests"),
        500: _("Server error"),
        503: _("Service unavailable"),
    }


def problem(status_code: int, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code.replace("_", "-"),
        "title": _titles().get(status_code, _("Error")),
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    body.update(extra)
    return body


def problem_response(
    status_code: int, code: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    return Response(
        problem(status_code, code, detail, **extra),
        status=status_code,
        headers=headers,
        content_type=PROBLEM_MEDIA_TYPE,
    )


def slot_json(slot: Slot) -> dict[str, Any]:
    # The engine builds slot times in the municipality's zone, so isoformat() gives +09:00.
    return {
        "site": slot.site_id,
        "start": slot.start.isoformat(),
        "end": slot.end.isoformat(),
        "mode": slot.mode,
        "capacity": slot.capacity,
    }


def _flatten(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error dict as a flat list of {field, code, detail} (JSON Pointer paths)."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "detail") else str(key)
            out += _flatten(value, f"{prefix}/{name}" if name else prefix)
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            child = prefix if not isinstance(value, dict | list) else f"{prefix}/{index}"
            out += _flatten(value, child)
        return out
    return [
        {
            "field": prefix or "/",
            "code": getattr(detail, "code", "invalid") or "invalid",
            "detail": str(detail),
        }
    ]


def _from_domain_error(exc: DomainError) -> Response:
    extra: dict[str, Any] = {}
    if exc.field:
        extra["errors"] = [{"field": f"/{exc.field}", "code": exc.code, "detail": str(exc.message)}]
    if exc.code == "slot_unavailable":
        extra["alternatives"] = [slot_json(a) for a in exc.alternatives]
    if exc.code == "stranded_bookings":
        # References only: enough to find them in the staff portal, nothing about her.
        extra["bookings"] = [b.display_reference for b in getattr(exc, "bookings", [])]
    return problem_response(domain_error_status(exc), exc.code, str(exc.message), **extra)


def _from_api_exception(exc: exceptions.APIException) -> Response:
    status_code = exc.status_code
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    if isinstance(exc, ApiError):
        extra: dict[str, Any] = {}
        if exc.field:
            extra["errors"] = [
                {"field": f"/{exc.field}", "code": exc.default_code, "detail": str(exc.detail)}
            ]
        code = exc.get_codes()
        return problem_response(status_code, str(code), str(exc.detail), headers, **extra)
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        return problem_response(
            status_code,
            "invalid",
            _("Some of the values sent are not valid."),
            headers,
            errors=errors,
        )
    code = exc.default_code
    detail = exc.detail
    if isinstance(detail, dict | list):
        detail = str(exc.default_detail)
    if isinstance(exc, exceptions.Throttled):
        detail = _("Too many requests. Please wait a moment and try again.")
    return problem_response(status_code, str(code), str(detail), headers)


def problem_details_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, DomainError):
        set_rollback()
        return _from_domain_error(exc)
    if isinstance(exc, exceptions.APIException):
        set_rollback()
        return _from_api_exception(exc)
    if isinstance(exc, RequestDataTooBig):
        # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE: her request, not our bug.
        set_rollback()
        return problem_response(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            "request_too_large",
            _("The request is too large."),
        )
    # A bug: keep the shape, log it for us (ids only, never the request body).
    view = context.get("view")
    log.exception("unhandled API error in %s", type(view).__name__ if view else "?")
    set_rollback()
    return problem_response(
        status.HTTP_500_INTERNAL_SERVER_ERROR,
        "server_error",
        _("Something went wrong on our side. Please try again later."),
    )
