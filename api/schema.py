"""OpenAPI generation: every operation documents the problem-details errors it can answer with,
and both ways to authenticate."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema

from .exceptions import PROBLEM_MEDIA_TYPE

ERRORS_ALWAYS = {
    "400": "Malformed request or invalid values (`errors` lists the fields)",
    "401": "Not signed in, or an invalid token",
    "403": "Signed in, but not allowed to do this",
    "404": "Not found (or not yours: the two look the same)",
    "429": "Too many requests (see Retry-After)",
}
ERRORS_WRITE = {
    "409": "Conflict: the slot was taken (`alternatives` lists free ones) or the state changed",
    "410": "The hold expired",
    "415": "Send application/json",
    "422": "Refused by a booking rule (deadline, window, closed day…)",
}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)  # type: ignore[arg-type]
        from .serializers import ProblemSerializer

        errors = dict(ERRORS_ALWAYS)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors.update(ERRORS_WRITE)
        for code, description in errors.items():
            if code in responses:
                continue
            problem = self._get_response_for_code(
                ProblemSerializer, code, media_types=[PROBLEM_MEDIA_TYPE]
            )
            problem["description"] = description
            responses[code] = problem
        default = self._get_response_for_code(
            ProblemSerializer, "default", media_types=[PROBLEM_MEDIA_TYPE]
        )
        default["description"] = "Any other error, as RFC 9457 problem details"
        responses["default"] = default
        return responses


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An integration token (yk_…) issued by an administrator",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "The web pages' session (one-time code sign-in)",
        }
