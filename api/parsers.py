"""The API's JSON parser: DRF's, refusing what would otherwise end in a 500.

Python's decoder recurses once per nesting level, so a body of 100,000 `[` raises
RecursionError deep inside it; that is bad input, not our bug, and answers 400 like any other
malformed JSON.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DrfJSONParser


class JSONParser(DrfJSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON parse error - nested too deeply.")) from exc
