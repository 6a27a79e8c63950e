"""Where a code went, for her eyes but not a passer-by's: {{ phone|masked_phone }}."""

from __future__ import annotations

from django import template

from frontend.verify import masked_destination

register = template.Library()


@register.filter
def masked_phone(phone: str) -> str:
    return masked_destination("sms", phone) if phone else ""


@register.filter
def masked_email(email: str) -> str:
    return masked_destination("email", email) if email else ""
