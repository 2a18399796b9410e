"""A merge of two people (``app.core.signals.person_merged``): their pledges and the record of
what was sent to them move to the kept person. A moved pledge's status is settled again by
the next gift; what it has received is counted live on every read."""

from __future__ import annotations

from sqlalchemy import update

from app.core.signals import person_merged
from app.extensions import db
from app.fundraising.models import Acknowledgement, Pledge
from app.people.models import Person


@person_merged.connect
def move_pledges(kept: Person, *, merged: Person) -> dict[str, int]:
    moved = {}
    for name, model in (("pledges", Pledge), ("acknowledgements", Acknowledgement)):
        moved[name] = db.session.execute(
            update(model)
            .where(model.person_id == merged.id)
            .values(person_id=kept.id)
            .execution_options(synchronize_session="fetch")
        ).rowcount
    return moved
