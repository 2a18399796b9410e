"""Apply a phone's batch of door knocks: each record at most once (keyed on its client UUID),
each answered on its own (applied, duplicate, rejected with a reason), the good records of a
batch kept when others are bad.

The batch is applied set-wise, append-only: every record is checked first (``checks``;
nothing written for a bad one); the knocks go in with one ``INSERT ... ON CONFLICT
(client_uuid) DO NOTHING`` (a retry, a second tab or a replayed batch finds its rows there and
changes nothing); then their people are locked once, in id order (two batches on the same
homes wait for each other, never deadlock), and get their interactions, answers, tags and
sticky flags in a few statements. No counters are updated: progress and activity are read
from the knocks and interactions.

Other kinds of record come in the same batch, told apart by their ``type`` (a caller's
calls: ``type: "call"``), and are applied once each the same way (``record_types``).

Records for a list taken back from the user or closed go in as a batch of their own, held
for a director's review (``review.hold``): kept, not counted. Each batch notes the phone's
clock offset and the signs its times or doors are wrong (``signs``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import marshmallow as ma
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from app.accounts.models import User
from app.canvass import newcomers, record_types, review
from app.canvass.checks import Context, Plan, Rejected, check_record, stops_of
from app.canvass.defaults import ensure_defaults
from app.canvass.effects import People, script_tags
from app.canvass.keyed import Keyed, knock_columns
from app.canvass.limits import NewPeopleBudget
from app.canvass.models import Script, SyncBatch
from app.canvass.schemas import KnockRecordSchema
from app.canvass.signs import batch_flags, door_distances
from app.core.actor import Actor
from app.core.bulk import insert_rows
from app.core.signals import contacts_recorded, knocks_synced
from app.extensions import db
from app.knocks.models import DoorKnock, NoteScope, PlaceNote, ResultCode
from app.people.models import Interaction, InteractionKind
from app.people.operations import campaign_zone, store_answers

RECORD = KnockRecordSchema()  # one instance: a batch is up to 200 records
HELD_ON_ARRIVAL = "Arrived after the list was taken back or closed."


@dataclass
class Outcome:
    uuid: str | None
    status: str  # applied, duplicate, rejected
    code: str | None = None
    message: str | None = None
    fields: dict[str, Any] | None = None
    door_knock_id: int | None = None
    call_id: int | None = None


def sync_batch(
    actor: Actor,
    device_id: str,
    records: list[dict[str, Any]],
    sent_at: datetime | None = None,
    keyed: Keyed | None = None,
    received_at: datetime | None = None,
) -> list[Outcome]:
    """Apply ``records`` (raw dicts: door knocks, and ``record_types``' such as calls) the
    phone sent at ``sent_at`` (its clock); one outcome per record, in the order sent.
    ``keyed``: typed in from a paper sheet (``app.paper``). ``received_at`` is now, but for
    batches replayed with their own time (the demo's weeks of knocks)."""
    user = db.session.get(User, actor.user_id)  # the signed-in canvasser (its role is checked)
    ensure_defaults(user.organization_id)
    now = received_at or datetime.now(UTC)
    batch_id = keyed.batch_id if keyed else _open_batch(user, device_id, len(records), sent_at, now)
    context = Context(
        user=user,
        device_id=device_id,
        now=now,
        codes={
            c.code: c
            for c in db.session.scalars(
                select(ResultCode).where(
                    ResultCode.organization_id == user.organization_id, ResultCode.is_active
                )
            )
        },
        scripts=_scripts(user.organization_id),
        zone=campaign_zone(user.organization_id),
        batch_id=batch_id,
        offset=sent_at - now if sent_at is not None else None,
        keyed=keyed,
    )
    outcomes: dict[int, Outcome] = {}
    fresh: dict[str, tuple[int, dict]] = {}
    others: dict[str, dict[str, tuple[int, dict]]] = {}  # calls ..., by type
    seen: dict[str, int] = {}
    twins: dict[int, int] = {}  # a record sent twice in the batch -> where it came first
    for n, raw in enumerate(records):
        kind = record_types.type_of(raw)
        try:
            record = record_types.TYPES[kind].load(raw) if kind else RECORD.load(raw)
        except ma.ValidationError as exc:
            raw_uuid = raw.get("uuid") if isinstance(raw, dict) else None
            outcomes[n] = Outcome(str(raw_uuid) if raw_uuid else None, "rejected",
                                  "invalid_record", "The record is malformed.",
                                  _flatten(exc.messages))  # fmt: skip
            continue
        key = str(record["uuid"])
        if key in seen:
            twins[n] = seen[key]
        else:
            seen[key] = n
            (others.setdefault(kind, {}) if kind else fresh)[key] = (n, record)
    known = _known(user.organization_id, list(fresh))
    for key, knock_id in known.items():
        n, _ = fresh.pop(key)
        outcomes[n] = Outcome(key, "duplicate", door_knock_id=knock_id)
    plans = _check_all(context, fresh, outcomes)
    other_plans = record_types.check_others(context, others, outcomes, Outcome)
    record_types.lock_people(other_plans, (person_id for p in plans for person_id in p.results))
    _write(context, plans, outcomes)
    record_types.write_others(context, other_plans, outcomes, Outcome)
    for n, first_n in twins.items():
        first = outcomes[first_n]
        outcomes[n] = (
            first if first.status == "rejected"
            else Outcome(first.uuid, "duplicate", door_knock_id=first.door_knock_id,
                         call_id=first.call_id)
        )  # fmt: skip
    counted = [outcomes[n] for n in range(len(records))]
    late = {p.n for p in plans if p.late}
    on_time = [o for n, o in enumerate(counted) if n not in late]
    values = {
        "records": len(on_time),
        "flags": batch_flags(context, [p for p in plans if p.knock_id and not p.late]),
        **{name: sum(o.status == status for o in on_time) for name, status in
           (("applied", "applied"), ("duplicates", "duplicate"), ("rejected", "rejected"))},
    }  # fmt: skip
    values = keyed.add_to_batch(values) if keyed else values
    db.session.execute(update(SyncBatch).where(SyncBatch.id == context.batch_id).values(values))
    return counted


def _open_batch(user: User, device_id: str, count: int, sent_at: datetime | None,
                now: datetime) -> int:  # fmt: skip
    offset = (sent_at - now).total_seconds() if sent_at is not None else None
    batch = insert(SyncBatch).values(
        organization_id=user.organization_id, user_id=user.id, device_id=device_id, records=count,
        received_at=now, sent_at=sent_at, clock_offset_s=offset,
    )  # fmt: skip
    return db.session.scalar(batch.returning(SyncBatch.id))


def _hold_late(context: Context, plans: list[Plan], outcomes: dict[int, Outcome]) -> None:
    """The records that arrived after their list was taken back or closed: in a batch of
    their own, held for a director's review (released, they count as if just synced)."""
    late = [p for p in plans if p.late and p.knock_id is not None]
    if not late:
        return
    batch = db.session.get(SyncBatch, context.held_batch_id)
    batch.records = batch.applied = len(late)
    batch.flags = batch_flags(context, late)
    review.hold(None, batch, HELD_ON_ARRIVAL)
    for plan in late:
        outcomes[plan.n] = Outcome(str(plan.record["uuid"]), "applied", "held_for_review",
                                   "Kept for a director's review: " + HELD_ON_ARRIVAL,
                                   door_knock_id=plan.knock_id)  # fmt: skip


def _known(organization_id: int, keys: list[str]) -> dict[str, int]:
    """The records already applied (an earlier sync, a lost response): uuid -> knock id."""
    if not keys:
        return {}
    rows = db.session.execute(
        select(DoorKnock.client_uuid, DoorKnock.id, DoorKnock.organization_id).where(
            DoorKnock.client_uuid.in_(keys)
        )
    )
    # The campaign is checked here, not in SQL: the lookup stays on the UUID's unique index.
    return {str(key): knock_id for key, knock_id, org in rows if org == organization_id}


def _check_all(context: Context, fresh, outcomes: dict[int, Outcome]) -> list[Plan]:
    """Check every new record against the lists, homes, results and script; in household
    order, so batches touching the same homes write them in one order."""
    ordered = sorted(fresh.values(), key=lambda item: (item[1]["household_id"],
                                                       str(item[1]["uuid"])))  # fmt: skip
    context.stops = stops_of([record for _, record in ordered])
    plans = []
    for n, record in ordered:
        try:
            plans.append(check_record(context, n, record))
        except Rejected as exc:
            outcomes[n] = Outcome(str(record["uuid"]), "rejected", exc.code, exc.message,
                                  exc.fields)  # fmt: skip
    budget = NewPeopleBudget(context.user.id, context.now)
    refused = set()
    for plan in sorted(plans, key=lambda p: p.n):  # first sent, first served
        try:
            budget.take(len(plan.new_people))
        except Rejected as exc:
            refused.add(plan.n)
            outcomes[plan.n] = Outcome(str(plan.record["uuid"]), "rejected", exc.code,
                                       exc.message, exc.fields)  # fmt: skip
    return [p for p in plans if p.n not in refused]


def _flatten(messages: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(messages, dict):
        return {prefix or "record": messages}
    flat: dict[str, Any] = {}
    for key, value in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        flat.update(_flatten(value, name) if isinstance(value, dict) else {name: value})
    return flat


def _scripts(organization_id: int) -> dict[int | None, Script]:
    scripts = db.session.scalars(select(Script).where(Script.organization_id == organization_id))
    by_id: dict[int | None, Script] = {}
    for script in scripts:
        by_id[script.id] = script
        if script.is_default:
            by_id[None] = script
    return by_id


def _write(context: Context, plans: list[Plan], outcomes: dict[int, Outcome]) -> None:
    """The checked records in: knocks, then new people, then the people's histories."""
    if not plans:
        return
    if any(p.late for p in plans):
        sent_at = context.now + context.offset if context.offset is not None else None
        context.held_batch_id = _open_batch(context.user, context.device_id, 0, sent_at,
                                            context.now)  # fmt: skip
    _insert_knocks(context, plans)
    raced = _known(context.user.organization_id,
                   [str(p.record["uuid"]) for p in plans if p.knock_id is None])  # fmt: skip
    for plan in plans:
        if plan.knock_id is None:  # another request applied it a moment ago
            key = str(plan.record["uuid"])
            outcomes[plan.n] = Outcome(key, "duplicate", door_knock_id=raced.get(key))
    applied = [p for p in plans if p.knock_id is not None]
    for plan in applied:
        if plan.new_people and not _add_new_people(plan, outcomes):
            plan.knock_id = None
    applied = [p for p in applied if p.knock_id is not None]
    _fold(context, applied)
    db.session.add_all(
        PlaceNote(organization_id=p.walk_list.organization_id, address_id=p.stop.address_id,
                  household_id=p.stop.household_id if note["scope"] == NoteScope.HOME else None,
                  kind=note["kind"], text=note["text"], door_knock_id=p.knock_id,
                  user_id=context.user.id)
        for p in applied for note in p.record["place_notes"]
    )  # fmt: skip
    db.session.flush()
    for plan in applied:
        outcomes[plan.n] = Outcome(str(plan.record["uuid"]), "applied", door_knock_id=plan.knock_id)
    _hold_late(context, applied, outcomes)
    if applied:
        knocks_synced.send(context.user.organization_id, knock_ids=[p.knock_id for p in applied])


def _insert_knocks(context: Context, plans: list[Plan]) -> None:
    distances = door_distances(plans)
    rows = [
        {
            "organization_id": p.walk_list.organization_id,
            "client_uuid": p.record["uuid"],
            "sync_batch_id": context.held_batch_id if p.late else context.batch_id,
            "walk_list_id": p.walk_list.id,
            "user_id": context.credited_id,
            **knock_columns(context.keyed),
            "address_id": p.stop.address_id,
            "household_id": p.stop.household_id,
            "result": p.record.get("result"),
            "is_contact": any(context.codes[code].is_contact for code, _ in p.results.values())
            or any(context.codes[code].is_contact for _, code, _ in p.new_people),
            "notes": p.record["notes"],
            "occurred_at": p.occurred_at,
            "client_at": p.record["client_at"],
            "server_at": p.server_at,
            "received_at": context.now,
            "clock_skewed": p.skewed,
            "device_id": context.device_id,
            "lat": (p.record["gps"] or {}).get("lat"),
            "lon": (p.record["gps"] or {}).get("lon"),
            "accuracy_m": (p.record["gps"] or {}).get("accuracy"),
            "distance_m": distances.get(p.n),
            "status": "applied",
            "record": _as_json(p.record),
        }
        for p in plans
    ]
    inserted = insert_rows(DoorKnock.__table__, rows, returning=("client_uuid", "id"),
                           skip_conflicts_on=("client_uuid",))  # fmt: skip
    ids = {str(key): knock_id for key, knock_id in inserted}
    for plan in plans:
        plan.knock_id = ids.get(str(plan.record["uuid"]))


def _add_new_people(plan: Plan, outcomes: dict[int, Outcome]) -> bool:
    """The people met at this door; one with bad details rejects this record only."""
    failed = newcomers.add(plan)
    if failed is None:
        return True
    index, exc = failed
    fields = {f"new_people.{index}.{k}": v for k, v in (exc.fields or {}).items()}
    outcomes[plan.n] = Outcome(str(plan.record["uuid"]), "rejected", "invalid_new_person",
                               exc.message, fields)  # fmt: skip
    return False


def _as_json(record: dict[str, Any]) -> dict[str, Any]:
    return {
        **record,
        "uuid": str(record["uuid"]),
        "client_at": record["client_at"].isoformat(),
        "new_people": [
            {k: v for k, v in p.items() if k not in ("birth_date",)} for p in record["new_people"]
        ],
        "place_notes": [{**n, "kind": n["kind"].value} for n in record["place_notes"]],
    }


def _fold(context: Context, plans: list[Plan]) -> None:
    """The knocks into their people's histories: an interaction per person with the answers,
    and the answers (latest wins), tags and sticky flags they bring (``effects``)."""
    if not plans:
        return
    people = People.lock(person_id for plan in plans for person_id in plan.results)
    script = context.scripts.get(None)
    rows, answers = [], []
    for plan in plans:
        base = uuid.UUID(str(plan.record["uuid"]))
        for person_id in sorted(plan.results):
            code, given = plan.results[person_id]
            changes = people.apply(
                person_id, context.codes[code].effect, script_tags(script, given)
            )
            interaction_uuid = uuid.uuid5(base, str(person_id))
            rows.append(
                {
                    "organization_id": plan.walk_list.organization_id,
                    "person_id": person_id,
                    "kind": InteractionKind.DOOR_KNOCK.value,
                    "occurred_at": plan.occurred_at,
                    "recorded_at": context.now,
                    "user_id": context.credited_id,
                    "result": code,
                    "summary": context.codes[code].label,
                    "data": {
                        "door_knock_id": plan.knock_id,
                        "walk_list_id": plan.walk_list.id,
                        "answers": given,
                        "notes": plan.record["notes"],
                        "device_id": context.device_id,
                        "gps": plan.record["gps"] or None,
                        **(context.keyed.interaction_data() if context.keyed else {}),
                        **changes,
                    },
                    "client_uuid": interaction_uuid,
                }
            )
            answers.extend(
                {"person_id": person_id, "question": key, "answer": value,
                 "answered_at": plan.occurred_at, "interaction_id": interaction_uuid,
                 "user_id": context.user.id}
                for key, value in sorted(given.items())
            )  # fmt: skip
    made = insert_rows(Interaction.__table__, rows, returning=("client_uuid", "id"))
    interaction_of = {key: interaction_id for key, interaction_id in made}
    for answer in answers:
        answer["interaction_id"] = interaction_of[answer["interaction_id"]]
    people.write()
    store_answers(context.user.organization_id, answers, context.zone)
    late = {p.knock_id for p in plans if p.late}  # held for review: no follow-ups (automation)
    contacts_recorded.send(context.user.organization_id, contacts=[
        {**{key: row[key] for key in ("person_id", "kind", "result", "occurred_at")},
         "interaction_id": interaction_of[row["client_uuid"]], "answers": row["data"]["answers"]}
        for row in rows if row["data"]["door_knock_id"] not in late])  # fmt: skip
