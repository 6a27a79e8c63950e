"""Content negotiation that never answers 406: an Accept header we cannot satisfy gets the
endpoint's first representation (JSON almost everywhere), as most HTTP clients expect."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class LenientContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Any, renderers: list[Any], format_suffix: str | None = None
    ) -> tuple[Any, str]:
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            return renderers[0], renderers[0].media_type
        except exceptions.NotFound:  # an unknown ?format=
            return renderers[0], renderers[0].media_type
