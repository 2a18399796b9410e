"""Verbs on call lists: make one from a universe, hand it to callers (assigned, claimed with
its code, or at a phone bank's check-in), take it back, close it. Each verb flushes, writes
its audit record and leaves the commit to the caller. (Handing out the next person:
``app.phones.claims``.)"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.operations import record_audit
from app.auth.permissions import Permission
from app.core.actor import Actor
from app.core.codes import new_code
from app.core.errors import Conflict, ValidationError
from app.core.links import public_url
from app.extensions import db
from app.people.operations import campaign_zone
from app.phones import checkout
from app.phones.models import CallList, CallListAssignment, CallListPerson, CallListStatus
from app.phones.selection import callable_people, callable_person
from app.universes.queries import Search
from app.walklists import holding


def claim_url(call_list: CallList) -> str:
    """The link a caller opens to claim the list in the app."""
    return public_url(f"/app/#/call-claim/{call_list.code}")


def create_call_list(
    actor: Actor,
    search: Search,
    *,
    name: str,
    universe_id: int | None = None,
    per_household: bool = False,
    script_id: int | None = None,
    event_id: int | None = None,
    expires_at: datetime | None = None,
    assignee_ids: list[int] | None = None,
    empty: bool = False,
) -> CallList:
    """The universe's targets with a number to call, each on one active list at a time
    (people another active list holds are left off, and counted); none left is a 409.
    ``empty``: nobody yet; follow-up rules put people on it (``add_person``)."""
    organization_id = actor.organization_id
    checkout.release_expired(organization_id)
    candidates = [] if empty else callable_people(search, per_household=per_household)
    if not candidates and not empty:
        raise ValidationError("Nobody in the universe has a number that may be called.",
                              code="no_people", fields={"universe_id": universe_id})  # fmt: skip
    call_list = CallList(
        organization_id=organization_id, name=name, code=new_code(CallList.code),
        universe_id=universe_id, filter=dict(search.filter), per_household=per_household,
        script_id=script_id, event_id=event_id, created_by_id=actor.user_id,
        expires_at=holding.lifetime_end(checkout.CALL_LISTS, expires_at),
    )  # fmt: skip
    db.session.add(call_list)
    db.session.flush()
    held = checkout.check_out(call_list, [c.person_id for c in candidates])
    kept = [c for c in candidates if c.person_id in held]
    if not kept and not empty:
        raise Conflict("Everybody in the universe is on another active call list; close it "
                       "first.", code="people_checked_out")  # fmt: skip
    zone = campaign_zone(organization_id).key
    rows = [
        CallListPerson(organization_id=organization_id, call_list_id=call_list.id,
                       person_id=c.person_id, position=n, household_id=c.household_id,
                       phone_id=c.phone_id, zones=c.zones(zone))
        for n, c in enumerate(kept, 1)
    ]  # fmt: skip
    db.session.add_all(rows)
    call_list.people_count = len(rows)
    call_list.zones = sorted({z for row in rows for z in row.zones})
    db.session.flush()
    record_audit("call_lists.create", entity=call_list,
                 changes={"universe_id": universe_id, "people": len(rows),
                          "held_elsewhere": len(candidates) - len(kept),
                          "per_household": per_household, "event_id": event_id})  # fmt: skip
    if assignee_ids:
        assign(actor, call_list, assignee_ids)
    return call_list


def assign(actor: Actor, call_list: CallList, user_ids: list[int]) -> list[int]:
    """Hand the list to callers of the campaign (any who already hold it stay)."""
    added = holding.assign(checkout.CALL_LISTS, actor, call_list, user_ids)
    if added:
        record_audit("call_lists.assign", entity=call_list, changes={"user_ids": added})
    return added


def unassign(call_list: CallList, user_id: int) -> None:
    """Take the list back from one caller; the people they were calling go back to the pool."""
    holding.take_back(checkout.CALL_LISTS, call_list, user_id)
    record_audit("call_lists.unassign", entity=call_list, changes={"user_id": user_id})
    db.session.execute(
        CallListPerson.__table__.update()
        .where(CallListPerson.call_list_id == call_list.id,
               CallListPerson.claimed_by_id == user_id,
               CallListPerson.completed_at.is_(None),
               CallListPerson.result_queued_at.is_(None))
        .values(held_until=None)
    )  # fmt: skip


def claim(actor: Actor, code: str) -> CallList:
    """A caller takes a list with its code (typed, or from the link)."""
    checkout.release_expired(actor.organization_id)
    call_list, claimed = holding.claim_by_code(checkout.CALL_LISTS, actor, code)
    if claimed:
        record_audit("call_lists.claim", entity=call_list, changes={"user_id": actor.user_id})
    return call_list


def close(call_list: CallList) -> CallList:
    """Close the list and free its people for other lists; its calls and history stay."""
    holding.close(checkout.CALL_LISTS, call_list)
    record_audit("call_lists.close", entity=call_list, changes={"status": "closed"})
    return call_list


def add_person(organization_id: int, call_list_id: int, person_id: int) -> str:
    """Put one more person on an active list (a follow-up rule's "call them"): at its end,
    or back in the pool when a result had ended them there. Returns what happened:
    ``added``, ``again`` (back on), ``already`` (waiting to be called), or why not:
    ``list_gone``, ``list_closed``, ``not_callable``, ``held_elsewhere``."""
    call_list = db.session.scalar(
        select(CallList)
        .where(CallList.id == call_list_id, CallList.organization_id == organization_id)
        .with_for_update()  # one position at a time
    )
    if call_list is None:
        return "list_gone"
    if call_list.status != CallListStatus.ACTIVE or call_list.expires_at <= datetime.now(UTC):
        return "list_closed"
    candidate = callable_person(organization_id, person_id)
    if candidate is None:
        return "not_callable"
    row = db.session.get(CallListPerson, (call_list_id, person_id))
    if row is not None:
        if row.completed_at is None:
            return "already"
        row.completed_at, row.result, row.held_until = None, None, None
        row.phone_id = candidate.phone_id
        db.session.flush()
        return "again"
    if person_id not in checkout.check_out(call_list, [person_id]):
        return "held_elsewhere"
    zones = candidate.zones(campaign_zone(organization_id).key)
    last = db.session.scalar(
        select(func.coalesce(func.max(CallListPerson.position), 0))
        .where(CallListPerson.call_list_id == call_list_id)
    )  # fmt: skip
    db.session.add(
        CallListPerson(organization_id=organization_id, call_list_id=call_list_id,
                       person_id=person_id, position=last + 1,
                       household_id=candidate.household_id, phone_id=candidate.phone_id,
                       zones=zones)
    )  # fmt: skip
    call_list.people_count += 1
    call_list.zones = sorted({*call_list.zones, *zones})
    db.session.flush()
    return "added"


def require_active(call_list: CallList) -> None:
    holding.require_active(checkout.CALL_LISTS, call_list)


def hand_out_call_list(
    organization_id: int, event_id: int, user_id: int | None, by_user_id: int | None
) -> int | None:
    """At a phone bank's door: the event's list for the volunteer checking in (its id, or
    None when it has none). A volunteer whose account may call (``user_id``: known at the
    door) holds it at once; anybody else claims it with its code."""
    call_list = next_call_list(organization_id, event_id)
    if call_list is None:
        return None
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is not None and user.can(Permission.CALLS_MAKE):
        assign(Actor(organization_id, by_user_id, "check-in"), call_list, [user.id])
    return call_list.id


def handed_call_list(call_list_id: int | None) -> dict | None:
    """The list a check-in handed over, as the kiosk shows it."""
    call_list = db.session.get(CallList, call_list_id) if call_list_id else None
    if call_list is None:
        return None
    return {"id": call_list.id, "name": call_list.name, "code": call_list.code,
            "claim_url": claim_url(call_list)}  # fmt: skip


def next_call_list(organization_id: int, event_id: int) -> CallList | None:
    """The phone bank's list for the next volunteer at its door: its active lists are shared
    by any number of callers, so the one with the fewest callers (then by name)."""
    callers = (
        select(func.count())
        .where(CallListAssignment.call_list_id == CallList.id,
               CallListAssignment.released_at.is_(None))
        .scalar_subquery()
    )  # fmt: skip
    checkout.release_expired(organization_id)
    return db.session.scalar(
        select(CallList)
        .where(CallList.organization_id == organization_id, CallList.event_id == event_id,
               CallList.status == CallListStatus.ACTIVE)
        .order_by(callers, CallList.name, CallList.id)
        .limit(1)
    )  # fmt: skip
