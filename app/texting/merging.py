"""A merge of two people (``app.core.signals.person_merged``): their text conversations move,
but for a campaign that texted both: the merged-away person's thread stays, as history."""

from __future__ import annotations

from sqlalchemy import select, update

from app.core.signals import person_merged
from app.extensions import db
from app.people.models import Person
from app.texting.models import Conversation


@person_merged.connect
def move_conversations(kept: Person, *, merged: Person) -> dict[str, int]:
    mine = Conversation.__table__.alias("mine")
    moved = db.session.execute(
        update(Conversation)
        .where(
            Conversation.person_id == merged.id,
            ~select(mine.c.id)
            .where(mine.c.person_id == kept.id, mine.c.campaign_id == Conversation.campaign_id)
            .exists(),
        )
        .values(person_id=kept.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    return {"text_conversations": moved}
