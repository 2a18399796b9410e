"""Contact history on any channel as a universe filter (``history``: a list of conditions,
all of which must hold): "called, no answer twice" is
``{"channel": "phone", "results": ["no_answer"], "min": 2}``; "mailed piece 3, never reached"
is ``[{"channel": "mail", "drop_id": 3}, {"channel": "any", "reached": true, "max": 0}]``.

Each condition counts the person's interactions (voided ones never count) on its channel
(``app.people.models.CHANNEL_KINDS``; ``any``: all of them), of the ``results`` listed, of one
mail drop, only those that reached the person (a result code the campaign counts as a
contact, a reply, a response to a piece), in the last ``within_days``; and asks for between
``min`` (default 1; 0 when only ``max`` is given) and ``max`` of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Text, and_, column, exists, func, or_, select, table, true

from app.people.models import CHANNEL_KINDS, HistoryChannel, Interaction, Person

ANY_CHANNEL = "any"
#: Results that mean the person answered, whatever the channel's codes say.
ANSWERS = ("replied", "responded", "visited")
#: The campaign's result codes (app.knocks, above this room: read as a plain table).
_result_codes = table(
    "result_codes", column("organization_id"), column("code", Text), column("is_contact")
)


def count_bounds(spec: Mapping[str, Any]) -> tuple[int, int | None]:
    """(min, max) interactions; min defaults to 1, or to 0 when only max is given."""
    return spec.get("min", 0 if "max" in spec else 1), spec.get("max")


def _reached() -> ColumnElement[bool]:
    contact_codes = select(_result_codes.c.code).where(
        _result_codes.c.organization_id == Interaction.organization_id,
        _result_codes.c.is_contact.is_(True),
    )
    return or_(Interaction.result.in_(contact_codes), Interaction.result.in_(ANSWERS))


def history_clause(spec: Mapping[str, Any], now: datetime) -> ColumnElement[bool]:
    """Whether the person's history on ``spec['channel']`` meets ``spec`` (see above)."""
    matching = [Interaction.person_id == Person.id, Interaction.voided_at.is_(None)]
    if spec["channel"] != ANY_CHANNEL:
        matching.append(Interaction.kind.in_(CHANNEL_KINDS[HistoryChannel(spec["channel"])]))
    else:
        matching.append(Interaction.kind.in_([k for ks in CHANNEL_KINDS.values() for k in ks]))
    if spec.get("results"):
        matching.append(Interaction.result.in_(spec["results"]))
    if "drop_id" in spec:
        matching.append(Interaction.data["drop_id"].astext == str(spec["drop_id"]))
    if spec.get("reached"):
        matching.append(_reached())
    if spec.get("within_days"):
        matching.append(Interaction.occurred_at > now - timedelta(days=spec["within_days"]))
    low, high = count_bounds(spec)
    if high == 0:
        return ~exists().where(*matching)
    counted = select(func.count()).where(*matching).scalar_subquery()
    clauses = [exists().where(*matching)] if low >= 1 else []
    if low > 1:
        clauses.append(counted >= low)
    if high is not None:
        clauses.append(counted <= high)
    return and_(true(), *clauses)
