"""Showing whom a message went to without showing who she is (logs, staff tables)."""

from __future__ import annotations

import re

LINE_USER_ID = re.compile(r"U[0-9a-f]{32}")


def mask_phone(phone: str) -> str:
    """'+819011112222' -> '+81…2222': enough for staff to match a call, not to dial."""
    digits = phone.strip()
    if len(digits) <= 7:
        return "…"
    return f"{digits[:3]}…{digits[-4:]}"


def mask_email(address: str) -> str:
    """'hanako@example.jp' -> 'h…@example.jp'."""
    local, _, domain = address.partition("@")
    if not domain:
        return "…"
    return f"{local[:1]}…@{domain}"


def mask_recipient(recipient: str) -> str:
    if LINE_USER_ID.fullmatch(recipient):
        return "LINE"  # her LINE user id is never shown, not even in part
    return mask_email(recipient) if "@" in recipient else mask_phone(recipient)
