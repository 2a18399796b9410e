"""Links people open from outside (messages, QR codes, calendars, mail pieces, posts): on the
public address, and signed with the server's key where a link carries what it may do (an email
click's destination, a short link's page), so nobody can forge one and no link of ours is an
open redirect.

>>> from app.core.links import sign_with
>>> len(sign_with(b"k" * 32, "r:1"))
22
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from flask import current_app, redirect


def public_url(path: str) -> str:
    """``path`` (starting with /) on DOORSTEP_PUBLIC_URL."""
    return current_app.config["DOORSTEP_PUBLIC_URL"].rstrip("/") + path


@lru_cache(maxsize=16)
def _key_of(secret: str, purpose: str) -> bytes:
    return hashlib.sha256(f"doorstep-{purpose}:".encode() + secret.encode()).digest()


def link_key(purpose: str) -> bytes:
    """The key of one kind of link (``mailings``, ``links``), derived from SECRET_KEY."""
    return _key_of(str(current_app.config["SECRET_KEY"]), purpose)


def sign_with(key: bytes, message: str) -> str:
    """A short signature of ``message`` (16 bytes of HMAC-SHA256, URL-safe base64)."""
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(purpose: str, message: str) -> str:
    return sign_with(link_key(purpose), message)


def is_signed(purpose: str, message: str, signature: str) -> bool:
    """Whether ``signature`` is ours for ``message`` (compared in constant time)."""
    return hmac.compare_digest(sign(purpose, message), signature)


def is_own_path(path: str) -> bool:
    """A path on this server ("/events/K7QM2XPD"), never another host ("//evil", "/\\evil")."""
    return (
        path.startswith("/")
        and not path.startswith(("//", "/\\"))
        and "\\" not in path
        and all(ch.isprintable() and not ch.isspace() for ch in path)
        and len(path) <= 500
    )


def redirect_out(url: str):
    """The 302 of every counted link (an email's click, a short link, a mail piece): never
    cached, so each visit is counted, and no referrer carries our link's code onward."""
    response = redirect(url, code=302)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
