"""Checks of a synced record that reject it with a reason, before anything is written: the
list is the user's (held; taken back or closed before the record arrived, it is kept for a
director's review whatever time the phone gives it), the home and the people are on it and may
still be contacted (``person_protected`` otherwise), the results are known, the answers fit the
script (known questions, allowed values, branches taken); a phone clock that is clearly wrong is
not believed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, tuple_

from app.accounts.models import User
from app.auth.permissions import Permission
from app.canvass.keyed import Keyed
from app.canvass.models import QuestionKind, Script
from app.extensions import db
from app.knocks.models import ResultCode
from app.knocks.results import DOOR
from app.people.models import Person
from app.people.visibility import Channel, may_contact
from app.walklists.models import (
    WalkList,
    WalkListAssignment,
    WalkListPerson,
    WalkListStatus,
    WalkListStop,
)

#: A phone clock this far ahead of ours is wrong: the knock is dated when it arrived.
MAX_CLOCK_AHEAD = timedelta(minutes=10)
#: ... and so is one dated this long before its list was made.
MAX_CLOCK_BEHIND = timedelta(days=1)
#: A phone clock off from ours by more than this (its offset at the sync) is corrected.
CLOCK_TOLERANCE = timedelta(minutes=2)


class Rejected(Exception):
    """A record that cannot be applied: it stays on the phone, marked with the reason."""

    def __init__(self, code: str, message: str, fields: dict[str, Any] | None = None):
        super().__init__(message)
        self.code, self.message, self.fields = code, message, fields


@dataclass
class Context:
    """What every record of one batch is checked against, read once."""

    user: User
    device_id: str
    now: datetime
    codes: dict[str, ResultCode]
    scripts: dict[int | None, Script]
    zone: ZoneInfo
    batch_id: int
    #: The batch the records for a list taken back or closed go in (made when one comes).
    held_batch_id: int | None = None
    #: The phone's clock minus ours, from the ``sent_at`` it sent (None when it did not).
    offset: timedelta | None = None
    lists: dict[int, WalkList | None] = field(default_factory=dict)
    holds: dict[int, datetime | bool | None] = field(default_factory=dict)
    #: When the user took each list (None: a director's, held by right).
    claimed: dict[int, datetime | None] = field(default_factory=dict)
    stops: dict[tuple[int, int], Stop] = field(default_factory=dict)
    #: Typed in from a paper sheet: the keyer needs no hold on the list (``app.paper``).
    keyed: Keyed | None = None

    @property
    def credited_id(self) -> int:
        """Whose door work the knocks are: the canvasser named on a keyed sheet, else the user."""
        return self.keyed.credited_id if self.keyed else self.user.id


@dataclass
class Stop:
    """A home on a list, as the checks need it."""

    address_id: int
    household_id: int
    person_ids: frozenset[int]
    protected: frozenset[int] = frozenset()  # listed, but may no longer be knocked for


@dataclass
class Plan:
    """A checked record, ready to write."""

    n: int
    record: dict[str, Any]
    walk_list: WalkList
    stop: Stop
    results: dict[int, tuple[str, dict]]  # person id -> (result code, answers)
    new_people: list[tuple[dict, str, dict]]  # (fields, result code, answers)
    occurred_at: datetime
    skewed: bool
    server_at: datetime
    #: Arrived after the list was taken back or closed: kept, held for review.
    late: bool = False
    knock_id: int | None = None


def stops_of(records: list[dict[str, Any]]) -> dict[tuple[int, int], Stop]:
    """The homes the batch names, with the people listed there, in one query."""
    pairs = {(r["walk_list_id"], r["household_id"]) for r in records}
    if not pairs:
        return {}
    rows = db.session.execute(
        select(
            WalkListStop.walk_list_id,
            WalkListStop.household_id,
            WalkListStop.address_id,
            func.array_agg(WalkListPerson.person_id),
            func.array_agg(WalkListPerson.person_id).filter(~may_contact(Channel.DOOR)),
        )
        .outerjoin(WalkListPerson, WalkListPerson.stop_id == WalkListStop.id)
        .outerjoin(Person, Person.id == WalkListPerson.person_id)
        .where(tuple_(WalkListStop.walk_list_id, WalkListStop.household_id).in_(sorted(pairs)))
        .group_by(WalkListStop.walk_list_id, WalkListStop.household_id, WalkListStop.address_id)
    )
    return {
        (list_id, household_id): Stop(address_id, household_id,
                                      frozenset(p for p in people if p is not None),
                                      frozenset(protected or ()))
        for list_id, household_id, address_id, people, protected in rows
    }  # fmt: skip


def check_record(context: Context, n: int, record: dict[str, Any]) -> Plan:
    """One new record against its list, home, people, results and script: a plan, or
    ``Rejected``."""
    walk_list, late = _walk_list(context, record["walk_list_id"])
    stop = context.stops.get((walk_list.id, record["household_id"]))
    if stop is None:
        raise Rejected("household_not_on_list", "That home is not on this list.",
                       {"household_id": record["household_id"]})  # fmt: skip
    listed = stop.person_ids
    for entry in record["people"]:
        if entry["person_id"] not in listed:
            raise Rejected("person_not_on_list", "That person is not at this home on the list.",
                           {"person_id": entry["person_id"]})  # fmt: skip
        if entry["person_id"] in stop.protected:
            raise Rejected("person_protected", "That person may no longer be contacted.",
                           {"person_id": entry["person_id"]})  # fmt: skip
    if stop.protected and stop.protected >= listed and not record["new_people"]:
        raise Rejected("person_protected", "Nobody at this home may be contacted any more.",
                       {"household_id": record["household_id"]})  # fmt: skip
    script = context.scripts.get(None)
    # A door result counts for the others at the home, never for a protected person.
    results = _results(context, record, listed - stop.protected, script)
    new_people = [
        (entry, _result_of(context, entry, record, script), check_answers(script, entry["answers"]))
        for entry in record["new_people"]
    ]
    occurred_at, skewed, server_at = occurred(context, walk_list, record["client_at"])
    return Plan(n, record, walk_list, stop, results, new_people, occurred_at, skewed, server_at,
                late)  # fmt: skip


def _held_until(context: Context, walk_list: WalkList) -> datetime | bool | None:
    """True while the user holds the list (directors and organizers hold every active list);
    the time it was taken back from them or closed; None when it never was theirs."""
    closed = walk_list.closed_at if walk_list.status == WalkListStatus.CLOSED else None
    if context.keyed is not None:  # a sheet back from the doors: the list was out then
        context.claimed[walk_list.id] = None
        return True
    if context.user.can(Permission.WALKLISTS_MANAGE):
        context.claimed[walk_list.id] = None
        return closed or True
    list_id = walk_list.id
    row = db.session.execute(
        select(WalkListAssignment.released_at, WalkListAssignment.assigned_at).where(
            WalkListAssignment.walk_list_id == list_id,
            WalkListAssignment.user_id == context.user.id,
        )
    ).first()
    if row is None:
        return None
    context.claimed[list_id] = row.assigned_at
    return row.released_at or closed or True


def _walk_list(context: Context, list_id: int) -> tuple[WalkList, bool]:
    """The list, and whether the record arrived after it was taken back or closed. The
    phone's time cannot decide that (anyone can date a knock earlier): such a record is kept
    and held for a director's review, never counted and never dropped."""
    if list_id not in context.lists:
        walk_list = db.session.get(WalkList, list_id) if list_id < 2**63 else None
        if walk_list is not None and walk_list.organization_id != context.user.organization_id:
            walk_list = None
        context.lists[list_id] = walk_list
    walk_list = context.lists[list_id]
    if walk_list is None:
        raise Rejected("walk_list_not_found", "No such walk list.", {"walk_list_id": list_id})
    if list_id not in context.holds:
        context.holds[list_id] = _held_until(context, walk_list)
    held = context.holds[list_id]
    if held is None:
        raise Rejected("not_assigned", "This list is not assigned to you.",
                       {"walk_list_id": list_id})  # fmt: skip
    return walk_list, held is not True


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


def _result_of(context: Context, entry: dict, record: dict, script) -> str:
    """The person's result: their own, else the door's; answers mean "canvassed"."""
    code = entry.get("result") or (None if entry.get("answers") else record.get("result"))
    if entry.get("answers"):
        code = code or "canvassed"
        if code != "canvassed":
            raise Rejected("answers_with_result", "Answers go with the result 'canvassed' only.",
                           {"result": code})  # fmt: skip
    if code not in context.codes or DOOR not in context.codes[code].channels:
        raise Rejected("unknown_result", f"Unknown result code {code!r}.", {"result": code})
    return code


def occurred(
    context: Context, made: WalkList | Any, client_at: datetime
) -> tuple[datetime, bool, datetime]:
    """When it happened (and whether the phone's time was not taken as it came), and the
    phone's time on our clock; ``made``: the walk or call list (its ``created_at``)."""
    server_at = client_at - context.offset if context.offset is not None else client_at
    if server_at > context.now + MAX_CLOCK_AHEAD:
        return context.now, True, server_at
    if server_at < made.created_at - MAX_CLOCK_BEHIND:
        return context.now, True, server_at
    skewed = context.offset is not None and abs(context.offset) > CLOCK_TOLERANCE
    return (server_at if skewed else client_at), skewed, server_at


SUPPORT_VALUES = ("1", "2", "3", "4", "5")
YES_NO_VALUES = ("yes", "no")


def check_answers(script: Script | None, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers as stored (a multiple choice as a sorted list); a bad one raises
    ``Rejected`` naming the question."""
    if not answers:
        return {}
    questions = {q.key: q for q in (script.questions if script else [])}
    checked: dict[str, Any] = {}
    for key, value in answers.items():
        question = questions.get(key)
        if question is None:
            raise Rejected("unknown_question", f"The script has no question {key!r}.",
                           {f"answers.{key}": "unknown"})  # fmt: skip
        allowed = _allowed(question)
        if question.kind == QuestionKind.MULTIPLE:
            values = value if isinstance(value, list) else [value]
            bad = [v for v in values if v not in allowed]
            value = sorted(set(values))
        elif question.kind == QuestionKind.TEXT:
            bad = [] if isinstance(value, str) else [value]
        else:
            bad = [value] if not isinstance(value, str) or value not in allowed else []
        if bad:
            raise Rejected("bad_answer", f"{bad[0]!r} is not an answer to {key!r}.",
                           {f"answers.{key}": bad})  # fmt: skip
        checked[key] = value
    for key in checked:
        condition = questions[key].show_if
        if condition and checked.get(condition["question"]) not in condition["answers"]:
            raise Rejected(
                "branch_not_taken",
                f"{key!r} is asked only after {condition['question']!r} is one of "
                f"{', '.join(condition['answers'])}.",
                {f"answers.{key}": "not asked"},
            )
    return checked


def _allowed(question) -> tuple[str, ...]:
    if question.kind == QuestionKind.SUPPORT:
        return SUPPORT_VALUES
    if question.kind == QuestionKind.YES_NO:
        return YES_NO_VALUES
    return tuple(choice["value"] for choice in question.choices or [])
