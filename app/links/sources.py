"""Where a visitor came from: a tracked link (``l``) or a mail piece (``p``), remembered in a
first-party cookie for a month. Its value is signed (``app.core.links.sign``, the one signer
of our links), so a visitor cannot credit a form to somebody else's mail piece by editing it;
it holds the link's or piece's id and nothing about the visitor.

The public forms' requests carry it; ``credit_sources`` (a receiver of ``form_submitted``)
reads it there and nowhere else: an organiser's own requests credit nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, has_request_context, request

from app.core.links import is_signed, sign
from app.extensions import db

COOKIE = "ds_src"
MAX_AGE = 30 * 24 * 3600
_PURPOSE = "links"
#: The requests a source is read on: the public forms (and nothing an organiser sends).
PUBLIC_PREFIX = "/api/v1/public/"


@dataclass(frozen=True)
class Source:
    kind: str  # "l": a tracked link; "p": a mail piece
    id: int

    @property
    def token(self) -> str:
        message = f"{self.kind}{self.id}"
        return f"{message}.{sign(_PURPOSE, message)}"


def parse(token: str) -> Source | None:
    """The source a cookie names, or None when it is not one we signed."""
    message, _, signature = token.partition(".")
    kind, digits = message[:1], message[1:]
    if kind not in ("l", "p") or not digits.isdigit() or len(digits) > 18 or not signature:
        return None
    if not is_signed(_PURPOSE, message, signature):
        return None
    return Source(kind, int(digits))


def remember(response: Response, source: Source) -> Response:
    response.set_cookie(
        COOKIE,
        source.token,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


def current_source() -> Source | None:
    """The source of a public form's request (its cookie), or None."""
    if not has_request_context() or not request.path.startswith(PUBLIC_PREFIX):
        return None
    return parse(request.cookies.get(COOKIE, ""))


def credited(kind: str, model: type[Any], organization_id: int) -> Any | None:
    """The link (``l``) or piece (``p``) a public form's request came through, when it is of
    ``kind`` and of the form's campaign; else None."""
    source = current_source()
    if source is None or source.kind != kind:
        return None
    row = db.session.get(model, source.id)
    return row if row is not None and row.organization_id == organization_id else None
