"""The signature a receiver checks: HMAC-SHA256 over ``"<unix time>.<body>"`` with the
subscription's secret, sent as ``Doorstep-Signature: t=<unix time>,v1=<hex>``.

A receiver recomputes it over the raw body it got, compares in constant time, and refuses a
timestamp older than a few minutes (a replayed request). ``verify`` is that check, for our
tests and for receivers written in Python.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Doorstep-Signature"
ID_HEADER = "Doorstep-Event-Id"
TYPE_HEADER = "Doorstep-Event-Type"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds of ``now``."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, timestamp, body))
