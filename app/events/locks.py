"""The row locks that make writers to shifts and sign-ups take turns.

Every writer locks the shift first, then the sign-up, each FOR NO KEY UPDATE: writers wait
for each other, but rows that only point at them (a kiosk's check-in, a reminder, a
sign-up) take FOR KEY SHARE through their foreign key and never wait, so a kiosk holding a
sign-up and an organiser holding its shift cannot deadlock.
"""

from __future__ import annotations

from sqlalchemy import select

from app.events.models import Shift, Signup
from app.extensions import db


def lock_shifts(*shift_ids: int) -> None:
    """Lock shifts for this transaction, in id order."""
    db.session.execute(
        select(Shift.id)
        .where(Shift.id.in_(sorted(set(shift_ids))))
        .order_by(Shift.id)
        .with_for_update(key_share=True)
    )


def lock_signup(signup: Signup) -> None:
    """Lock the sign-up for this transaction (after its shift, when a shift is locked at all)
    and read it again: a kiosk may have checked the person in meanwhile."""
    db.session.execute(
        select(Signup.id).where(Signup.id == signup.id).with_for_update(key_share=True)
    )
    db.session.refresh(signup)
