"""Reads of call lists: the ones a user may see, each one's progress (per list, per caller),
and what a caller's app needs to record calls (the script and the phone's result codes)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, any_, cast, exists, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY

from app.accounts.models import User
from app.auth.permissions import Permission
from app.core.errors import NotFound
from app.core.pagination import Page, paginate
from app.extensions import db
from app.knocks.models import ResultCode
from app.knocks.results import PHONE
from app.people.models import Person, PersonPhone
from app.people.visibility import Channel, may_contact
from app.phones.hours import open_zones
from app.phones.models import Call, CallList, CallListAssignment, CallListPerson, CallListStatus
from app.phones.operations import claim_url
from app.phones.selection import usable_phones

LIST_SORTS = {"name": CallList.name, "created_at": CallList.created_at}
#: A list's people by state (``progress``).
STATES = ("people", "done", "held", "callable_now", "outside_hours", "not_callable")


def _holds(user_id: int):
    return exists().where(
        CallListAssignment.call_list_id == CallList.id,
        CallListAssignment.user_id == user_id,
        CallListAssignment.released_at.is_(None),
    )


def visible_lists(user: User):
    """Every list of the campaign for those who manage them; else the lists one holds."""
    stmt = select(CallList).where(CallList.organization_id == user.organization_id)
    if not user.can(Permission.CALL_LISTS_MANAGE):
        stmt = stmt.where(_holds(user.id))
    return stmt


def get_list(user: User, list_id: int) -> CallList:
    """A list the user may see; anybody else's is 404 (a code is not guessed by id)."""
    call_list = None
    if list_id < 2**63:
        call_list = db.session.scalar(visible_lists(user).where(CallList.id == list_id))
    if call_list is None:
        raise NotFound("No such call list.", code="call_list_not_found")
    return call_list


def list_lists(user: User, args: Mapping[str, Any]) -> Page:
    stmt = visible_lists(user)
    status = args.get("status", CallListStatus.ACTIVE)
    if status != "all":
        stmt = stmt.where(CallList.status == status)
    if args.get("event_id"):
        stmt = stmt.where(CallList.event_id == args["event_id"])
    if args.get("mine"):
        stmt = stmt.where(_holds(user.id))
    return paginate(stmt, args, sortable=LIST_SORTS, default_order=[CallList.id.desc()])


def progress(lists: list[CallList], now: datetime | None = None) -> dict[int, dict[str, Any]]:
    """Per list: its people by state (done, being called, callable now, waiting for calling
    hours, no longer callable), its calls and contacts."""
    now = now or datetime.now(UTC)
    stats = {c.id: dict.fromkeys((*STATES, "calls", "contacts"), 0) for c in lists}
    if not lists:
        return stats
    for call_list in lists:
        opened = cast(open_zones(call_list.zones, now), ARRAY(String(40)))
        usable = (
            select(PersonPhone.id)
            .where(PersonPhone.id == CallListPerson.phone_id, *usable_phones())
            .exists()
        )
        left = CallListPerson.completed_at.is_(None)
        reachable = may_contact(Channel.PHONE) & usable
        free = (CallListPerson.held_until.is_(None)) | (CallListPerson.held_until <= now)
        row = db.session.execute(
            select(
                func.count(),
                func.count().filter(~left),
                func.count().filter(left, reachable, ~free),
                func.count().filter(
                    left, reachable, free, CallListPerson.zones.contained_by(opened)
                ),
                func.count().filter(left, reachable, ~CallListPerson.zones.contained_by(opened)),
                func.count().filter(left, ~reachable),
            )
            .select_from(CallListPerson)
            .join(Person, Person.id == CallListPerson.person_id)
            .where(CallListPerson.call_list_id == call_list.id)
        ).one()
        stats[call_list.id].update(zip(STATES, row, strict=True))
    calls = db.session.execute(
        select(Call.call_list_id, func.count(), func.count().filter(Call.is_contact))
        .where(Call.call_list_id.in_(list(stats)), Call.status == "applied")
        .group_by(Call.call_list_id)
    )
    for list_id, made, contacts in calls:
        stats[list_id].update(calls=made, contacts=contacts)
    return stats


def callers(call_list: CallList) -> list[dict[str, Any]]:
    """Per caller on the list: calls, contacts, results, first and last call, and whether
    they hold the list now."""
    rows = db.session.execute(
        select(Call.user_id, Call.result, func.count(), func.count().filter(Call.is_contact),
               func.min(Call.occurred_at), func.max(Call.occurred_at))
        .where(Call.call_list_id == call_list.id, Call.status == "applied")
        .group_by(Call.user_id, Call.result)
    ).all()  # fmt: skip
    holding = {a.user_id for a in call_list.assignments}
    by_user: dict[int, dict[str, Any]] = {
        user_id: {"user_id": user_id, "calls": 0, "contacts": 0, "results": {},
                  "first_at": None, "last_at": None}
        for user_id in holding | {row[0] for row in rows}
    }  # fmt: skip
    for user_id, result, made, contacts, first, last in rows:
        entry = by_user[user_id]
        entry["calls"] += made
        entry["contacts"] += contacts
        entry["results"][result] = made
        entry["first_at"] = min(entry["first_at"] or first, first)
        entry["last_at"] = max(entry["last_at"] or last, last)
    names = dict(db.session.execute(
        select(User.id, func.coalesce(User.name, "")).where(User.id.in_(list(by_user)))
    ).all())  # fmt: skip
    return sorted(
        ({**entry, "name": names.get(user_id, ""), "holds_list": user_id in holding}
         for user_id, entry in by_user.items()),
        key=lambda entry: (-entry["calls"], entry["name"]),
    )  # fmt: skip


def results_by_code(call_list: CallList) -> dict[str, int]:
    rows = db.session.execute(
        select(Call.result, func.count())
        .where(Call.call_list_id == call_list.id, Call.status == "applied")
        .group_by(Call.result)
    )
    return dict(rows.all())


def summary(call_list: CallList, stats: dict[str, Any] | None = None) -> dict[str, Any]:
    names = ("id", "name", "code", "status", "universe_id", "per_household", "script_id",
             "event_id", "expires_at", "closed_at", "created_at", "people_count")  # fmt: skip
    return {
        **{name: getattr(call_list, name) for name in names},
        "claim_url": claim_url(call_list),
        "callers": [a.user_id for a in call_list.assignments],
        "progress": stats if stats is not None else progress([call_list])[call_list.id],
    }


def phone_codes(organization_id: int) -> list[ResultCode]:
    """The active result codes a caller is offered, in order."""
    return list(
        db.session.scalars(
            select(ResultCode)
            .where(ResultCode.organization_id == organization_id, ResultCode.is_active,
                   literal(PHONE) == any_(ResultCode.channels))
            .order_by(ResultCode.position, ResultCode.id)
        )
    )  # fmt: skip
