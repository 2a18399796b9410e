"""A merge of two people (``app.core.signals.person_merged``): their calls move to the kept
person, and so does their place on a call list (unless the kept person is on that list too:
then the merged-away row goes) and the hold an active list has on them."""

from __future__ import annotations

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import aliased

from app.core.signals import person_merged
from app.extensions import db
from app.people.models import Person
from app.phones.models import Call, CallCheckout, CallListPerson
from app.phones.selection import best_phone


@person_merged.connect
def move_calls(kept: Person, *, merged: Person) -> dict[str, int]:
    calls = db.session.execute(
        update(Call).where(Call.person_id == merged.id).values(person_id=kept.id)
        .execution_options(synchronize_session=False)
    ).rowcount  # fmt: skip
    _one_active_list(kept.id, merged.id)
    theirs = aliased(CallListPerson)
    on_both = exists().where(theirs.person_id == kept.id,
                             theirs.call_list_id == CallListPerson.call_list_id)  # fmt: skip
    db.session.execute(
        delete(CallListPerson).where(CallListPerson.person_id == merged.id, on_both)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    places = db.session.execute(
        update(CallListPerson).where(CallListPerson.person_id == merged.id)
        .values(person_id=kept.id).execution_options(synchronize_session=False)
    ).rowcount  # fmt: skip
    # A number the merge folded away leaves its list rows without one: the kept person's best.
    phone = best_phone(kept.id)
    if phone is not None:
        db.session.execute(
            update(CallListPerson)
            .where(CallListPerson.person_id == kept.id, CallListPerson.phone_id.is_(None),
                   CallListPerson.completed_at.is_(None))
            .values(phone_id=phone[0]).execution_options(synchronize_session=False)
        )  # fmt: skip
    return {"calls": calls, "call_list_places": places}


def _one_active_list(kept_id: int, merged_id: int) -> None:
    """The kept person stays on one active list: the merged-away one's hold moves to them
    when they had none, else it goes, with the merged-away one's place on that list."""
    holds = dict(db.session.execute(
        select(CallCheckout.person_id, CallCheckout.call_list_id)
        .where(CallCheckout.person_id.in_([kept_id, merged_id]))
    ).all())  # fmt: skip
    if merged_id not in holds:
        return
    if kept_id not in holds:
        db.session.execute(update(CallCheckout).where(CallCheckout.person_id == merged_id)
                           .values(person_id=kept_id))  # fmt: skip
        return
    db.session.execute(delete(CallCheckout).where(CallCheckout.person_id == merged_id))
    db.session.execute(
        delete(CallListPerson).where(CallListPerson.person_id == merged_id,
                                     CallListPerson.call_list_id == holds[merged_id])
        .execution_options(synchronize_session=False)
    )  # fmt: skip
