"""Short codes people type or scan (a walk list's, an event's): no 0/O, 1/I/L to misread."""

from __future__ import annotations

import io
import secrets

import segno
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from app.extensions import db

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_code(column: InstrumentedAttribute) -> str:
    """A random code that ``column`` (unique) does not hold yet."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not db.session.scalar(select(func.count()).where(column == code)):
            return code


def normalise_code(text: str) -> str:
    """What somebody typed or a QR code held: ``k7qm-2xpd`` is ``K7QM2XPD``."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def qr_image(text: str, kind: str = "svg") -> bytes:
    """``text`` as a QR code, SVG or PNG (a walk list's claim link, a sign-up's check-in code)."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(
        buffer, kind=kind, scale=6 if kind == "png" else 4, border=2
    )
    return buffer.getvalue()
