"""Signing outbound webhooks: HMAC-SHA256 over "<timestamp>.<body>" with the subscription's
secret, sent as `Yurikago-Signature: t=<timestamp>,v1=<hex>`; and the check a receiver makes
(docs/api.md shows the same in a few lines for integrators)."""

from __future__ import annotations

import hashlib
import hmac
import time


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def signature_valid(
    secret: str, header: str, body: bytes, *, now: float | None = None, tolerance: int = 300
) -> bool:
    """What a receiver does (docs/api.md): the signature matches and the timestamp is recent,
    so a captured request replayed later is refused."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, timestamp, body))
