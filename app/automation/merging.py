"""A merge of two people (``app.core.signals.person_merged``): what rules were doing for the
merged-away person goes on with the kept one (follow-ups, tasks), but for what the kept person
has already (the same rule and event). Call lists move with ``app.phones.merging``."""

from __future__ import annotations

from sqlalchemy import select, update

from app.automation.models import FollowUp, FollowUpTask
from app.core.signals import person_merged
from app.extensions import db
from app.people.models import Person


def _move(model, kept: Person, merged: Person, *same: str) -> int:
    """Rows of ``merged`` to ``kept``, where ``kept`` has none alike on the ``same`` columns."""
    query = update(model).where(model.person_id == merged.id)
    if same:
        mine = model.__table__.alias("mine")
        alike = [getattr(mine.c, name) == getattr(model, name) for name in same]
        query = query.where(~select(mine.c.id).where(mine.c.person_id == kept.id, *alike).exists())
    moved = db.session.execute(
        query.values(person_id=kept.id).execution_options(synchronize_session=False)
    )
    return moved.rowcount


@person_merged.connect
def move_follow_ups(kept: Person, *, merged: Person) -> dict[str, int]:
    return {
        "follow_ups": _move(FollowUp, kept, merged, "rule_id", "event_key"),
        "follow_up_tasks": _move(FollowUpTask, kept, merged),
    }
