"""Apply a phone's batch of door knocks: each record at most once (keyed on its client UUID),
each answered on its own (applied, duplicate, rejected with a reason), the good records of a
batch kept when others are bad.

A record is checked and applied inside its own savepoint. The knock row is appended first;
``ON CONFLICT DO NOTHING`` on its UUID makes a retry, a second tab or a replayed batch a
"duplicate" that changes nothing. Then its people get their interactions, answers, tags and
sticky effects. Records are applied in household order and people are locked in id order, so
two batches touching the same homes take their locks in one order and cannot deadlock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import marshmallow as ma
from sqlalchemy import func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.auth.permissions import Permission
from app.canvass.checks import Rejected, check_answers
from app.canvass.defaults import ensure_defaults
from app.canvass.models import DoorKnock, PlaceNote, ResultCode, ResultEffect, Script
from app.canvass.schemas import KnockRecordSchema
from app.extensions import db
from app.people.models import Interaction, InteractionKind, Person, SurveyAnswer
from app.people.operations import create_person, normalise_tags
from app.voters.models import Address, Household
from app.walklists.models import WalkList, WalkListAssignment, WalkListStop

#: A phone clock this far ahead of ours is wrong: the knock is dated when it arrived.
MAX_CLOCK_AHEAD = timedelta(minutes=10)
#: ... and so is one dated this long before its list was made.
MAX_CLOCK_BEHIND = timedelta(days=1)


@dataclass
class Outcome:
    uuid: str | None
    status: str  # applied, duplicate, rejected
    code: str | None = None
    message: str | None = None
    fields: dict[str, Any] | None = None
    door_knock_id: int | None = None


@dataclass
class _Context:
    """What every record of one batch is checked against, read once."""

    user: User
    device_id: str
    now: datetime
    codes: dict[str, ResultCode]
    scripts: dict[int | None, Script]
    lists: dict[int, WalkList | None] = field(default_factory=dict)
    holds: dict[int, bool] = field(default_factory=dict)
    stops: dict[tuple[int, int], WalkListStop] = field(default_factory=dict)


def sync_batch(user: User, device_id: str, records: list[dict[str, Any]]) -> list[Outcome]:
    """Apply ``records`` (raw dicts); one outcome per record, in the order sent."""
    ensure_defaults(user.organization_id)
    context = _Context(
        user=user,
        device_id=device_id,
        now=datetime.now(UTC),
        codes={
            c.code: c
            for c in db.session.scalars(
                select(ResultCode).where(
                    ResultCode.organization_id == user.organization_id, ResultCode.is_active
                )
            )
        },
        scripts=_scripts(user.organization_id),
    )
    parsed: list[tuple[int, dict | None, Outcome | None]] = []
    for n, raw in enumerate(records):
        try:
            parsed.append((n, KnockRecordSchema().load(raw), None))
        except ma.ValidationError as exc:
            raw_uuid = raw.get("uuid") if isinstance(raw, dict) else None
            outcome = Outcome(str(raw_uuid) if raw_uuid else None, "rejected", "invalid_record",
                              "The record is malformed.", _flatten(exc.messages))  # fmt: skip
            parsed.append((n, None, outcome))
    outcomes: dict[int, Outcome] = {n: o for n, _, o in parsed if o is not None}
    good = sorted(
        ((n, r) for n, r, o in parsed if r is not None),
        key=lambda item: (item[1]["household_id"], str(item[1]["uuid"])),
    )
    context.stops = _stops_of([record for _, record in good])
    for n, record in good:
        outcomes[n] = _apply_one(context, record)
    return [outcomes[n] for n in range(len(records))]


def _stops_of(records: list[dict[str, Any]]) -> dict[tuple[int, int], WalkListStop]:
    """The homes the batch names, with their people, in one query."""
    pairs = {(r["walk_list_id"], r["household_id"]) for r in records}
    if not pairs:
        return {}
    stops = db.session.scalars(
        select(WalkListStop)
        .where(tuple_(WalkListStop.walk_list_id, WalkListStop.household_id).in_(sorted(pairs)))
        .options(selectinload(WalkListStop.people))
    )
    return {(s.walk_list_id, s.household_id): s for s in stops}


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


def _apply_one(context: _Context, record: dict[str, Any]) -> Outcome:
    savepoint = db.session.begin_nested()
    try:
        knock_id = _apply(context, record)
    except Rejected as exc:
        savepoint.rollback()
        return Outcome(str(record["uuid"]), "rejected", exc.code, exc.message, exc.fields)
    if knock_id is None:
        savepoint.rollback()
        existing = db.session.scalar(
            select(DoorKnock.id).where(DoorKnock.client_uuid == record["uuid"])
        )
        return Outcome(str(record["uuid"]), "duplicate", door_knock_id=existing)
    savepoint.commit()
    return Outcome(str(record["uuid"]), "applied", door_knock_id=knock_id)


def _walk_list(context: _Context, list_id: int) -> WalkList:
    if list_id not in context.lists:
        walk_list = db.session.get(WalkList, list_id) if list_id < 2**63 else None
        if walk_list is not None and walk_list.organization_id != context.user.organization_id:
            walk_list = None
        context.lists[list_id] = walk_list
    walk_list = context.lists[list_id]
    if walk_list is None:
        raise Rejected("walk_list_not_found", "No such walk list.", {"walk_list_id": list_id})
    if list_id not in context.holds:
        context.holds[list_id] = context.user.can(Permission.WALKLISTS_MANAGE) or bool(
            db.session.scalar(
                select(func.count()).where(
                    WalkListAssignment.walk_list_id == list_id,
                    WalkListAssignment.user_id == context.user.id,
                )
            )
        )
    if not context.holds[list_id]:
        raise Rejected("not_assigned", "This list is not assigned to you.",
                       {"walk_list_id": list_id})  # fmt: skip
    return walk_list


def _apply(context: _Context, record: dict[str, Any]) -> int | None:
    walk_list = _walk_list(context, record["walk_list_id"])
    stop = context.stops.get((walk_list.id, record["household_id"]))
    if stop is None:
        raise Rejected("household_not_on_list", "That home is not on this list.",
                       {"household_id": record["household_id"]})  # fmt: skip
    listed = {p.person_id for p in stop.people}
    for entry in record["people"]:
        if entry["person_id"] not in listed:
            raise Rejected("person_not_on_list", "That person is not at this home on the list.",
                           {"person_id": entry["person_id"]})  # fmt: skip
    script = context.scripts.get(None)
    results = _results(context, record, listed, script)
    occurred_at, skewed = _when(context, walk_list, record["client_at"])
    gps = record["gps"] or {}
    knock_id = db.session.scalar(
        insert(DoorKnock)
        .values(
            organization_id=walk_list.organization_id,
            client_uuid=record["uuid"],
            walk_list_id=walk_list.id,
            user_id=context.user.id,
            address_id=stop.address_id,
            household_id=stop.household_id,
            result=record.get("result"),
            is_contact=any(context.codes[r].is_contact for r, _ in results.values()),
            notes=record["notes"],
            occurred_at=occurred_at,
            client_at=record["client_at"],
            received_at=context.now,
            clock_skewed=skewed,
            device_id=context.device_id,
            lat=gps.get("lat"),
            lon=gps.get("lon"),
            accuracy_m=gps.get("accuracy"),
            distance_m=_distance(stop.address_id, gps),
            record=_as_json(record),
        )
        .on_conflict_do_nothing(index_elements=["client_uuid"])
        .returning(DoorKnock.id)
    )
    if knock_id is None:
        return None
    for person_entry in record["new_people"]:
        person = _new_person(walk_list, stop, person_entry)
        results[person.id] = (
            _result_of(context, person_entry, record, script),
            check_answers(script, person_entry["answers"]),
        )
    _fold(context, walk_list, knock_id, stop, record, results, occurred_at, gps)
    for note in record["place_notes"]:
        db.session.add(
            PlaceNote(
                organization_id=walk_list.organization_id,
                address_id=stop.address_id,
                kind=note["kind"],
                text=note["text"],
                door_knock_id=knock_id,
                user_id=context.user.id,
            )
        )
    db.session.flush()
    return knock_id


def _results(context, record, listed: set[int], script) -> dict[int, tuple[str, dict]]:
    """person id -> (result code, checked answers): a person's own result, else the door's."""
    own = {entry["person_id"]: entry for entry in record["people"]}
    results = {}
    for person_id in sorted(listed):
        entry = own.get(person_id)
        if entry is None and not record.get("result"):
            continue  # nobody said anything about this person
        entry = entry or {"answers": {}}
        results[person_id] = (
            _result_of(context, entry, record, script),
            check_answers(script, entry["answers"]),
        )
    if not results and not record["new_people"]:
        raise Rejected("no_result", "Give a result for the door or for somebody there.",
                       {"result": "missing"})  # fmt: skip
    return results


def _result_of(context: _Context, entry: dict, record: dict, script) -> str:
    """The person's result: their own, else the door's; answers mean "canvassed"."""
    code = entry.get("result") or (None if entry.get("answers") else record.get("result"))
    if entry.get("answers"):
        code = code or "canvassed"
        if code != "canvassed":
            raise Rejected("answers_with_result", "Answers go with the result 'canvassed' only.",
                           {"result": code})  # fmt: skip
    if code not in context.codes:
        raise Rejected("unknown_result", f"Unknown result code {code!r}.", {"result": code})
    return code


def _when(context: _Context, walk_list: WalkList, client_at: datetime) -> tuple[datetime, bool]:
    if client_at > context.now + MAX_CLOCK_AHEAD:
        return context.now, True
    if client_at < walk_list.created_at - MAX_CLOCK_BEHIND:
        return context.now, True
    return client_at, False


def _distance(address_id: int, gps: dict):
    """Metres from the phone to the door's point, worked out inside the knock's insert."""
    if not gps:
        return None
    phone = func.ST_SetSRID(func.ST_MakePoint(gps["lon"], gps["lat"]), 4326)
    return (
        select(func.ST_Distance(func.Geography(Address.point), func.Geography(phone)))
        .where(Address.id == address_id)
        .scalar_subquery()
    )


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


def _new_person(walk_list: WalkList, stop: WalkListStop, entry: dict) -> Person:
    """Somebody met at the door: in this home, or in a new unit at this address."""
    unit = entry.get("unit") or ""
    home = db.session.get(Household, stop.household_id)
    if unit != (home.unit or ""):
        home = db.session.scalar(
            select(Household).where(
                Household.address_id == stop.address_id, Household.unit == unit
            )
        ) or Household(organization_id=walk_list.organization_id, address_id=stop.address_id,
                       unit=unit)  # fmt: skip
        db.session.add(home)
        db.session.flush()
    fields = {k: v for k, v in entry.items() if k not in ("unit", "result", "answers")}
    person = create_person(walk_list.organization_id, fields)
    address = db.session.get(Address, stop.address_id)
    person.household_id = home.id
    person.location = address.point
    person.area_ids = list(address.area_ids or [])
    db.session.flush()
    return person


def _fold(context, walk_list, knock_id, stop, record, results, occurred_at, gps) -> None:
    """The knock into each person's history: an interaction, the answers (latest wins), the
    tags a yes adds, and the sticky effects of the result."""
    organization_id = walk_list.organization_id
    person_ids = sorted(results)
    # Lock in id order: two batches on the same people wait for each other, never deadlock.
    db.session.execute(
        select(Person.id).where(Person.id.in_(person_ids)).order_by(Person.id).with_for_update()
    )
    base = uuid.UUID(str(record["uuid"]))
    interactions = db.session.execute(
        insert(Interaction)
        .values(
            [
                {
                    "organization_id": organization_id,
                    "person_id": person_id,
                    "kind": InteractionKind.DOOR_KNOCK,
                    "occurred_at": occurred_at,
                    "user_id": context.user.id,
                    "result": results[person_id][0],
                    "summary": context.codes[results[person_id][0]].label,
                    "data": {
                        "door_knock_id": knock_id,
                        "walk_list_id": walk_list.id,
                        "answers": results[person_id][1],
                        "notes": record["notes"],
                        "device_id": context.device_id,
                        "gps": gps or None,
                    },
                    "client_uuid": uuid.uuid5(base, str(person_id)),
                }
                for person_id in person_ids
            ]
        )
        .returning(Interaction.person_id, Interaction.id)
    ).all()
    interaction_of = dict(interactions)
    answers = [
        {
            "organization_id": organization_id,
            "person_id": person_id,
            "question": key,
            "answer": ",".join(value) if isinstance(value, list) else value,
            "answered_at": occurred_at,
            "answered_on": occurred_at.date(),
            "interaction_id": interaction_of[person_id],
            "user_id": context.user.id,
        }
        for person_id in person_ids
        for key, value in sorted(results[person_id][1].items())
    ]
    if answers:
        stmt = insert(SurveyAnswer).values(answers)
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["person_id", "question", "answered_on"],
                set_={
                    "answer": stmt.excluded.answer,
                    "answered_at": stmt.excluded.answered_at,
                    "interaction_id": stmt.excluded.interaction_id,
                    "user_id": stmt.excluded.user_id,
                },
                # A knock synced late does not overwrite a later answer of the same day.
                where=SurveyAnswer.answered_at <= stmt.excluded.answered_at,
            )
        )
    _sticky_effects(context, results)
    _tags(context.scripts.get(None), results)


def _sticky_effects(context: _Context, results: dict[int, tuple[str, dict]]) -> None:
    flags = {
        ResultEffect.MOVED: {"has_moved": True},
        ResultEffect.WRONG_ADDRESS: {"has_moved": True},
        ResultEffect.DECEASED: {"is_deceased": True},
        ResultEffect.DO_NOT_CONTACT: {"do_not_contact": True},
    }
    for person_id in sorted(results):
        effect = context.codes[results[person_id][0]].effect
        if effect in flags:
            db.session.execute(update(Person).where(Person.id == person_id).values(flags[effect]))


def _tags(script: Script | None, results: dict[int, tuple[str, dict]]) -> None:
    tagging = {q.key: q.tag for q in (script.questions if script else []) if q.tag}
    for person_id in sorted(results):
        answers = results[person_id][1]
        added = [tag for key, tag in tagging.items() if answers.get(key) == "yes"]
        if added:
            person = db.session.get(Person, person_id)
            person.tags = normalise_tags([*person.tags, *added])
