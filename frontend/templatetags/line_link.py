"""{% line_section %}: the "Get messages on LINE" section of her bookings page.

A tag, so that the bookings view stays as it is: the read is one query (line_status_for), and
nothing shows where the municipality has no LINE official account configured.
"""

from __future__ import annotations

from typing import Any

from django import template

from notifications.line_linking import line_status_for

register = template.Library()


@register.inclusion_tag("frontend/_line_section.html", takes_context=True)
def line_section(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    resident = getattr(user, "resident", None) if user and user.is_authenticated else None
    return {"line": line_status_for(resident)}
