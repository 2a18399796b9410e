"""Call records in a phone's sync batch (``type: "call"``, registered with
``app.canvass.record_types``): the same outbox, the same once-only rule (keyed on the client
UUID), the same checks of results and answers as a door knock. Each call lands in the
person's history as a ``call`` (channel phone) with its sticky effects: Do Not Call (and
Hostile, Deceased ...) on the person, a wrong or disconnected number on the number
(``app.phones.results``). (The batch itself: ``app.canvass.sync``.)"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.auth.permissions import Permission
from app.canvass import record_types
from app.canvass.checks import Context, Rejected, check_answers, occurred
from app.canvass.effects import People, script_tags
from app.canvass.models import Script
from app.core.bulk import insert_rows
from app.extensions import db
from app.knocks.models import ResultEffect
from app.knocks.results import PHONE
from app.people.models import Interaction, InteractionKind, Person, PersonPhone
from app.people.operations import store_answers
from app.people.visibility import Channel, may_contact
from app.phones.models import Call, CallList, CallListAssignment, CallListPerson
from app.phones.results import DISCONNECTED, WRONG_NUMBER, mark_number, settle
from app.phones.schemas import CallRecordSchema

RECORD = CallRecordSchema()
NUMBER_EFFECTS = {ResultEffect.WRONG_NUMBER: WRONG_NUMBER,
                  ResultEffect.DISCONNECTED: DISCONNECTED}  # fmt: skip


@dataclass
class CallPlan:
    """A checked call record, ready to write."""

    n: int
    record: dict[str, Any]
    call_list: CallList
    phone: PersonPhone | None
    code: str
    answers: dict[str, Any]
    script: Script | None
    occurred_at: Any
    skewed: bool
    server_at: Any
    call_id: int | None = None


def load(raw: Any) -> dict[str, Any]:
    """The record as the schema reads it (``ma.ValidationError`` when malformed)."""
    return RECORD.load(raw)


def known(organization_id: int, keys: list[str]) -> dict[str, int]:
    """The calls already applied: uuid -> call id."""
    if not keys:
        return {}
    rows = db.session.execute(
        select(Call.client_uuid, Call.id, Call.organization_id).where(Call.client_uuid.in_(keys))
    )
    return {str(key): call_id for key, call_id, org in rows if org == organization_id}


def check_call(context: Context, n: int, record: dict[str, Any]) -> CallPlan:
    """One call record against its list, person, number, result and script."""
    call_list = _call_list(context, record["call_list_id"])
    on_list = db.session.get(CallListPerson, (call_list.id, record["person_id"]))
    if on_list is None:
        raise Rejected("person_not_on_list", "That person is not on this call list.",
                       {"person_id": record["person_id"]})  # fmt: skip
    protected = db.session.scalar(
        select(~may_contact(Channel.DOOR)).where(Person.id == record["person_id"])
    )
    if protected:
        raise Rejected("person_protected", "That person may no longer be contacted.",
                       {"person_id": record["person_id"]})  # fmt: skip
    phone_id = record.get("phone_id") or on_list.phone_id
    phone = db.session.get(PersonPhone, phone_id) if phone_id and phone_id < 2**63 else None
    if record.get("phone_id") and (phone is None or phone.person_id != record["person_id"]):
        raise Rejected("phone_not_found", "That number is not the person's.",
                       {"phone_id": record["phone_id"]})  # fmt: skip
    script = _script(context, call_list)
    answers = check_answers(script, record["answers"])
    code = record.get("result") or ("canvassed" if answers else None)
    if code is None:
        raise Rejected("no_result", "Give the call's result.", {"result": "missing"})
    if answers and code != "canvassed":
        raise Rejected("answers_with_result", "Answers go with the result 'canvassed' only.",
                       {"result": code})  # fmt: skip
    if code not in context.codes or PHONE not in context.codes[code].channels:
        raise Rejected("unknown_result", f"Unknown phone result code {code!r}.",
                       {"result": code})  # fmt: skip
    occurred_at, skewed, server_at = occurred(context, call_list, record["client_at"])
    return CallPlan(n, record, call_list, phone, code, answers, script, occurred_at, skewed,
                    server_at)  # fmt: skip


def check_calls(context: Context, fresh, outcomes: dict[int, Any], outcome: type) -> list[CallPlan]:
    """Check each new call record (in the order sent); a bad one gets its rejection."""
    plans = []
    for n, record in sorted(fresh.values(), key=lambda item: item[0]):
        try:
            plans.append(check_call(context, n, record))
        except Rejected as exc:
            outcomes[n] = outcome(str(record["uuid"]), "rejected", exc.code, exc.message,
                                  exc.fields)  # fmt: skip
    return plans


def _call_list(context: Context, list_id: int) -> CallList:
    """The list, if the caller holds it or held it when the call was made (a call made is a
    fact: one that arrives after the list was taken back or closed still counts)."""
    call_list = db.session.get(CallList, list_id) if list_id < 2**63 else None
    if call_list is None or call_list.organization_id != context.user.organization_id:
        raise Rejected("call_list_not_found", "No such call list.", {"call_list_id": list_id})
    if context.user.can(Permission.CALL_LISTS_MANAGE):
        return call_list
    if (
        not context.user.can(Permission.CALLS_MAKE)
        or db.session.get(CallListAssignment, (list_id, context.user.id)) is None
    ):
        raise Rejected("not_assigned", "This call list is not yours.",
                       {"call_list_id": list_id})  # fmt: skip
    return call_list


def _script(context: Context, call_list: CallList) -> Script | None:
    if call_list.script_id is not None:
        script = context.scripts.get(call_list.script_id)
        if script is not None:
            return script
    return context.scripts.get(None)


def write_calls(context: Context, plans: list[CallPlan], outcomes: dict[int, Any],
                outcome: type) -> None:  # fmt: skip
    """The checked calls in: the call rows (once per UUID), then the people's histories,
    flags and numbers, then the lists."""
    if not plans:
        return
    rows = [_call_row(context, p) for p in plans]
    inserted = insert_rows(Call.__table__, rows, returning=("client_uuid", "id"),
                           skip_conflicts_on=("client_uuid",))  # fmt: skip
    ids = {str(key): call_id for key, call_id in inserted}
    missing = [str(p.record["uuid"]) for p in plans if str(p.record["uuid"]) not in ids]
    raced = known(context.user.organization_id, missing)
    applied = []
    for plan in plans:
        key = str(plan.record["uuid"])
        plan.call_id = ids.get(key)
        if plan.call_id is None:  # another request applied it a moment ago
            outcomes[plan.n] = outcome(key, "duplicate", call_id=raced.get(key))
        else:
            applied.append(plan)
    people = People.lock(p.record["person_id"] for p in applied)
    interactions, answers = [], []
    for plan in sorted(applied, key=lambda p: (p.occurred_at, p.n)):
        person_id = plan.record["person_id"]
        effect = context.codes[plan.code].effect
        changes = people.apply(person_id, effect, script_tags(plan.script, plan.answers))
        if effect in NUMBER_EFFECTS and plan.phone is not None:
            changes["marked_number"] = mark_number(plan.phone, NUMBER_EFFECTS[effect], context.now)
        interaction_uuid = uuid.uuid5(uuid.UUID(str(plan.record["uuid"])), "call")
        interactions.append(_interaction(context, plan, changes, interaction_uuid))
        answers.extend(
            {"person_id": person_id, "question": key, "answer": value,
             "answered_at": plan.occurred_at, "interaction_id": interaction_uuid,
             "user_id": context.user.id}
            for key, value in sorted(plan.answers.items())
        )  # fmt: skip
        settle(plan.call_list.id, person_id, plan.code,
               number_bad=effect in NUMBER_EFFECTS, now=context.now)  # fmt: skip
    made = dict(insert_rows(Interaction.__table__, interactions, returning=("client_uuid", "id")))
    for answer in answers:
        answer["interaction_id"] = made[answer["interaction_id"]]
    people.write()
    store_answers(context.user.organization_id, answers, context.zone)
    for plan in applied:
        outcomes[plan.n] = outcome(str(plan.record["uuid"]), "applied", call_id=plan.call_id)


def _call_row(context: Context, plan: CallPlan) -> dict[str, Any]:
    record = plan.record
    return {
        "organization_id": plan.call_list.organization_id,
        "client_uuid": record["uuid"],
        "sync_batch_id": context.batch_id,
        "call_list_id": plan.call_list.id,
        "person_id": record["person_id"],
        "phone_id": plan.phone.id if plan.phone else None,
        "number": plan.phone.number if plan.phone else "",
        "user_id": context.user.id,
        "result": plan.code,
        "is_contact": context.codes[plan.code].is_contact,
        "notes": record["notes"],
        "occurred_at": plan.occurred_at,
        "client_at": record["client_at"],
        "received_at": context.now,
        "server_at": plan.server_at,
        "clock_skewed": plan.skewed,
        "device_id": context.device_id,
        "duration_s": record["duration_s"],
        "status": "applied",
        "record": {**record, "uuid": str(record["uuid"]),
                   "client_at": record["client_at"].isoformat()},
    }  # fmt: skip


def _interaction(context: Context, plan: CallPlan, changes: dict[str, Any],
                 client_uuid: uuid.UUID) -> dict[str, Any]:  # fmt: skip
    return {
        "organization_id": plan.call_list.organization_id,
        "person_id": plan.record["person_id"],
        "kind": InteractionKind.CALL.value,
        "occurred_at": plan.occurred_at,
        "recorded_at": context.now,
        "user_id": context.user.id,
        "result": plan.code,
        "summary": f"Call: {context.codes[plan.code].label}",
        "data": {
            "channel": "phone",
            "call_id": plan.call_id,
            "call_list_id": plan.call_list.id,
            "sync_batch_id": context.batch_id,
            "number": plan.phone.number if plan.phone else None,
            "answers": plan.answers,
            "notes": plan.record["notes"],
            "device_id": context.device_id,
            "duration_s": plan.record["duration_s"],
            **changes,
        },
        "client_uuid": client_uuid,
    }


record_types.register(
    "call",
    record_types.RecordType(load=load, known=known, check=check_calls,
                            person_ids=lambda plan: [plan.record["person_id"]],
                            write=write_calls, id_field="call_id"),
)  # fmt: skip
