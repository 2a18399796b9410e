"""The other kinds of record a phone's sync batch carries beside door knocks, told apart by
their ``type``. A room above canvass registers how its records are read, found again, checked
and written (``register``, when the room's module is imported: create_app imports it); the
sync applies them in the same batch as the knocks, once each by their UUID, each answered on
its own. The phones room's calls are one (``type: "call"``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from app.canvass.checks import Context
from app.canvass.effects import People


@dataclass(frozen=True)
class RecordType:
    #: The record as its schema reads it (raises marshmallow's ValidationError).
    load: Callable[[Any], dict[str, Any]]
    #: (campaign, uuids) -> {uuid: id} of those applied before.
    known: Callable[[int, list[str]], dict[str, int]]
    #: (context, {uuid: (n, record)}, outcomes, Outcome) -> plans; a bad record's outcome set.
    check: Callable[[Context, dict, dict, type], list[Any]]
    #: The people a plan writes to (locked with the knocks' in one order).
    person_ids: Callable[[Any], Iterable[int]]
    #: (context, plans, outcomes, Outcome): write them, set their outcomes.
    write: Callable[[Context, list, dict, type], None]
    #: The Outcome field that carries the id of what the record made.
    id_field: str


TYPES: dict[str, RecordType] = {}


def register(name: str, record_type: RecordType) -> None:
    TYPES[name] = record_type


def type_of(raw: Any) -> str | None:
    """The registered type of a raw record; None for a door knock (or an unknown type, which
    the knock's schema refuses)."""
    name = raw.get("type") if isinstance(raw, dict) else None
    return name if name in TYPES else None


def check_others(context: Context, fresh: dict[str, dict], outcomes: dict, outcome: type):
    """Per type: the records applied before answered "duplicate", the others checked."""
    plans: dict[str, list[Any]] = {}
    for name, records in fresh.items():
        kind = TYPES[name]
        for key, made_id in kind.known(context.user.organization_id, list(records)).items():
            n, _ = records.pop(key)
            outcomes[n] = outcome(key, "duplicate", **{kind.id_field: made_id})
        plans[name] = kind.check(context, records, outcomes, outcome)
    return plans


def lock_people(others: dict[str, list[Any]], knocked: Iterable[int]) -> None:
    """One lock order for every person the batch writes to, knocked or otherwise: two
    batches touching the same people wait for each other, never deadlock."""
    ids = [p for name, plans in others.items() for plan in plans
           for p in TYPES[name].person_ids(plan)]  # fmt: skip
    if ids:
        People.lock([*ids, *knocked])


def write_others(context: Context, others: dict[str, list[Any]], outcomes: dict,
                 outcome: type) -> None:  # fmt: skip
    for name, plans in others.items():
        if plans:
            TYPES[name].write(context, plans, outcomes, outcome)
