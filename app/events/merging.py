"""A merge of two people (``app.core.signals.person_merged``): their sign-ups move."""

from __future__ import annotations

from sqlalchemy import select, update

from app.core.signals import person_merged
from app.events.locks import lock_shifts
from app.events.models import SEATED, CheckIn, Shift, Signup, SignupStatus
from app.events.operations import promote_waitlist, set_status
from app.extensions import db
from app.people.models import Person


@person_merged.connect
def move_signups(kept: Person, *, merged: Person) -> dict[str, int]:
    return {"signups": _move_signups(merged, kept)}


def _move_signups(other: Person, kept: Person) -> int:
    """Sign-ups (with their check-ins) move, except on a shift the kept person is on too:
    those stay on the merged-away row, as history, cancelled if they still held a seat
    (see ``_free_duplicate_seat``)."""
    mine = Signup.__table__.alias("mine")
    moved = db.session.execute(
        update(Signup)
        .where(
            Signup.person_id == other.id,
            ~select(mine.c.id)
            .where(mine.c.person_id == kept.id, mine.c.shift_id == Signup.shift_id)
            .exists(),
        )
        .values(person_id=kept.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.execute(
        update(CheckIn)
        .where(CheckIn.person_id == other.id)
        .where(CheckIn.signup_id.in_(select(Signup.id).where(Signup.person_id == kept.id)))
        .values(person_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    for duplicate in db.session.scalars(
        select(Signup)
        .where(Signup.person_id == other.id, Signup.status.in_(SEATED))
        .where(~select(CheckIn.id).where(CheckIn.signup_id == Signup.id).exists())
        .order_by(Signup.shift_id)
    ).all():
        _free_duplicate_seat(duplicate, kept)
    return moved


def _free_duplicate_seat(duplicate: Signup, kept: Person) -> None:
    """The merged-away row held a seat on a shift the kept person is on too: the kept
    person takes that seat if they were waiting for one, else the waitlist's first does."""
    lock_shifts(duplicate.shift_id)
    mine = db.session.scalar(
        select(Signup).where(Signup.person_id == kept.id, Signup.shift_id == duplicate.shift_id)
    )
    seat = duplicate.status
    set_status(duplicate, SignupStatus.CANCELLED)
    db.session.flush()
    if mine.status in (SignupStatus.WAITLISTED, SignupStatus.CANCELLED):
        set_status(mine, seat)
        db.session.flush()
    else:
        promote_waitlist(db.session.get(Shift, duplicate.shift_id))
