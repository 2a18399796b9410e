"""Call time: the result of each call in the person's history (a ``call`` with its result),
and the pledge made on it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.audit.operations import describe_changes, record_audit
from app.core.actor import Actor
from app.core.errors import ValidationError
from app.donations.committee import get_election
from app.extensions import db
from app.fundraising.models import Pledge
from app.fundraising.pledges import settle_pledges
from app.people.models import Interaction, InteractionKind, Person
from app.people.operations import campaign_zone, record_interaction

#: Results of a call-time call (DOMAIN.md's phone results, and the money's own outcomes).
CALL_RESULTS = {
    "pledged": "Pledged",
    "gave": "Gave on the call",
    "declined": "Declined",
    "call_back": "Call back",
    "left_message": "Left message",
    "no_answer": "No answer",
    "busy": "Busy",
    "wrong_number": "Wrong number",
    "disconnected": "Disconnected",
}


def record_call(
    actor: Actor,
    person: Person,
    result: str,
    *,
    note: str = "",
    pledge: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> tuple[Interaction, Pledge | None]:
    """One call's result in the person's history; ``pledge`` (amount_cents, and optionally
    election_id, due_on) goes with ``pledged`` and only with it."""
    if result not in CALL_RESULTS:
        raise ValidationError(
            "Unknown call result.", fields={"result": [f"One of {sorted(CALL_RESULTS)}."]}
        )
    if (result == "pledged") != (pledge is not None):
        raise ValidationError(
            "A pledge goes with the result 'pledged', and that result needs one.",
            fields={"pledge": ["Give the pledge with result 'pledged' (and only then)."]},
        )
    summary = f"Call time: {CALL_RESULTS[result]}" + (f". {note.strip()}" if note.strip() else "")
    interaction = record_interaction(
        person,
        InteractionKind.CALL,
        user_id=actor.user_id,
        occurred_at=occurred_at,
        result=result,
        summary=summary[:300],
        data={"call_time": True},
    )
    record_audit(
        "interaction.create",
        entity=interaction,
        changes={"person_id": interaction.person_id, "kind": "call", "result": result},
    )
    if pledge is None:
        return interaction, None
    made = _make_pledge(actor, interaction, pledge, note)
    interaction.data = {**interaction.data, "pledge_id": made.id}
    db.session.flush()
    return interaction, made


def _make_pledge(
    actor: Actor, interaction: Interaction, fields: dict[str, Any], note: str
) -> Pledge:
    if fields.get("election_id") is not None:
        get_election(actor.organization_id, fields["election_id"], "pledge.election_id")
    today = datetime.now(campaign_zone(actor.organization_id)).date()
    due_on: date | None = fields.get("due_on")
    if due_on is not None and due_on < today:
        raise ValidationError(
            "The due day is past.", fields={"pledge.due_on": ["Must be today or later."]}
        )
    pledge = Pledge(
        organization_id=actor.organization_id,
        person_id=interaction.person_id,
        amount_cents=fields["amount_cents"],
        election_id=fields.get("election_id"),
        pledged_on=today,
        due_on=due_on,
        interaction_id=interaction.id,
        note=note.strip()[:300],
        created_by_id=actor.user_id,
    )
    db.session.add(pledge)
    changes = describe_changes(pledge)
    db.session.flush()
    record_audit("pledge.create", entity=pledge, changes=changes)
    settle_pledges(pledge.person_id, user_id=actor.user_id)
    return pledge
