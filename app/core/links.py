"""Links people open from outside (messages, QR codes, calendars): on the public address."""

from __future__ import annotations

from flask import current_app


def public_url(path: str) -> str:
    """``path`` (starting with /) on DOORSTEP_PUBLIC_URL."""
    return current_app.config["DOORSTEP_PUBLIC_URL"].rstrip("/") + path
