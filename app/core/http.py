"""Request plumbing: request ids, one commit per request, security headers, access log.

Core sits at the bottom: what the rooms above do at a request's start and end (audit's context,
outreach's delivery after the commit) they do as receivers of ``app.core.signals``.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from app.core.errors import ValidationError
from app.core.signals import request_finished, request_started
from app.core.transactions import commit, rollback

log = logging.getLogger("doorstep.access")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), geolocation=(self), microphone=()",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob: https:; style-src 'self' 'unsafe-inline'; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
        "form-action 'self'"
    ),
}


def _start_request() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    g.started_at = time.perf_counter()
    request_started.send(
        None,
        request_id=g.request_id,
        ip=request.remote_addr,
        user_agent=(request.user_agent.string or "")[:300] or None,
    )
    # Werkzeug silently drops "?=value"; a parameter without a name is a client bug to report.
    query = request.query_string.decode("latin-1")
    if query and any(part.startswith("=") for part in query.split("&")):
        raise ValidationError(
            "The query string has a parameter without a name.",
            fields={"query": ["Parameter without a name."]},
        )


def _finish_request(response: Response) -> Response:
    # The request boundary commits once; a failed request leaves nothing behind unless the
    # error itself is a fact worth keeping (DoorstepError.keeps_transaction).
    if response.status_code < 400 or g.pop("keep_transaction", False):
        commit()
    else:
        rollback()
    response.headers["X-Request-ID"] = g.get("request_id", "")
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.scheme == "https":
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    started = g.get("started_at")
    log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "ip": request.remote_addr,
        },
    )
    return response


def _teardown_request(exc: BaseException | None) -> None:
    if exc is not None:
        rollback()
    request_finished.send(None)


def init_http(app: Flask) -> None:
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.teardown_request(_teardown_request)
