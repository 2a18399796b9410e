"""Verbs on walk lists: make one (from a turf, or near a point), hand it out, claim, close.

A list holds its doors (``app.walklists.checkout``) while it is active. Each verb flushes,
writes its audit record and leaves the commit to the caller.
"""

from __future__ import annotations

from datetime import datetime

import shapely
from sqlalchemy import func, select

from app.audit.operations import record_audit
from app.core.actor import Actor
from app.core.codes import new_code
from app.core.errors import Conflict, ValidationError
from app.core.geo import to_db
from app.extensions import db
from app.outreach import push
from app.people.models import Interaction, InteractionKind, Person
from app.turfs.models import Turf, TurfDoor, TurfStatus
from app.universes.queries import Search
from app.voters.models import Address, Household
from app.walklists import checkout, holding, stops
from app.walklists.models import (
    DoorCheckout,
    WalkList,
    WalkListKind,
)

MAX_NEAR_DOORS = 300
#: Near lists rank this many times their size by the index before measuring in metres.
NEAR_OVERFETCH = 3
#: A turf list holds at most this many doors (a sheet, a phone, an afternoon).
MAX_LIST_DOORS = 2_000


def create_turf_list(
    actor: Actor,
    turf: Turf,
    search: Search,
    *,
    universe_id: int | None = None,
    name: str | None = None,
    expires_at: datetime | None = None,
    assignee_ids: list[int] | None = None,
) -> WalkList:
    """The turf's doors with somebody on the list, in walking order. Doors another active
    list holds are left off (and counted); a turf with none left is a 409."""
    organization_id, user_id = actor.organization_id, actor.user_id
    if turf.status != TurfStatus.ACTIVE:
        raise Conflict("The turf was retired (re-cut or merged); pick an active turf.",
                       code="turf_retired")  # fmt: skip
    checkout.release_expired(organization_id)
    doors = select(TurfDoor.address_id).where(TurfDoor.turf_id == turf.id)
    homes = stops.homes_at(search, Household.address_id.in_(doors))
    if len({h.address_id for h in homes}) > MAX_LIST_DOORS:
        raise ValidationError(
            f"The turf has more than {MAX_LIST_DOORS} doors on the list; split it first.",
            code="list_too_large",
            fields={"turf_id": turf.id},
        )
    walk_list = _new_list(
        organization_id, user_id, WalkListKind.TURF, search, universe_id, expires_at,
        name=name or turf.name, turf_id=turf.id,
    )  # fmt: skip
    held = checkout.check_out(walk_list, homes)
    kept = [h for h in homes if h.address_id in held]
    if homes and not kept:
        raise Conflict(
            "Every door of this turf is on another active list; close that list first.",
            code="doors_checked_out",
            fields={"walk_list_ids": checkout.holders_of(organization_id, homes)},
        )
    if not kept:
        raise ValidationError(
            "No door of this turf has anybody on the list.",
            code="no_doors",
            fields={"universe_id": universe_id},
        )
    stops.fill_list(walk_list, kept, start_at=None)
    skipped = len({h.address_id for h in homes}) - walk_list.door_count
    record_audit(
        "walk_lists.create",
        entity=walk_list,
        changes={
            "kind": "turf",
            "turf_id": turf.id,
            "universe_id": universe_id,
            "doors": walk_list.door_count,
            "doors_held_elsewhere": skipped,
        },
    )
    _assign_all(actor, walk_list, assignee_ids or [])
    return walk_list


def create_near_list(
    actor: Actor,
    lon: float,
    lat: float,
    count: int,
    search: Search,
    *,
    universe_id: int | None = None,
    max_distance_m: float | None = None,
    name: str | None = None,
    expires_at: datetime | None = None,
    assignee_ids: list[int] | None = None,
) -> WalkList:
    """The ``count`` nearest target doors to (lon, lat) that nobody has knocked and no
    active list holds, walked from the nearest one."""
    organization_id, user_id = actor.organization_id, actor.user_id
    checkout.release_expired(organization_id)
    origin = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    target_homes = (
        search.people()
        .where(search.match, Person.household_id.is_not(None))
        .join(Household, Household.id == Person.household_id)
        .with_only_columns(Household.address_id)
    )
    knocked = (
        select(Household.address_id)
        .join(Person, Person.household_id == Household.id)
        .join(Interaction, Interaction.person_id == Person.id)
        .where(
            Interaction.organization_id == organization_id,
            Interaction.kind == InteractionKind.DOOR_KNOCK,
            Interaction.voided_at.is_(None),
        )
    )
    candidates = (
        select(Address.id)
        .where(
            Address.organization_id == organization_id,
            Address.point.is_not(None),
            Address.id.in_(target_homes),
            Address.id.not_in(knocked),
            Address.id.not_in(select(DoorCheckout.address_id)),
        )
        .order_by(Address.point.op("<->")(origin))  # the index's order: degrees
        .limit(count * NEAR_OVERFETCH + 50)
    )
    if max_distance_m:
        candidates = candidates.where(
            func.ST_DWithin(func.Geography(Address.point), func.Geography(origin), max_distance_m)
        )
    # A degree of longitude is shorter than one of latitude: rank the index's nearest again
    # by metres on the ground.
    ranked = candidates.subquery()
    address_ids = list(
        db.session.scalars(
            select(Address.id)
            .join(ranked, ranked.c.id == Address.id)
            .order_by(
                func.ST_Distance(func.Geography(Address.point), func.Geography(origin)), Address.id
            )
            .limit(count)
        )
    )
    if not address_ids:
        raise ValidationError(
            "No un-knocked target door is free near that point.",
            code="no_doors",
            fields={"lon": lon, "lat": lat},
        )
    homes = stops.homes_at(search, Household.address_id.in_(address_ids))
    walk_list = _new_list(
        organization_id, user_id, WalkListKind.NEAR, search, universe_id, expires_at,
        name=name or f"Near {lat:.4f}, {lon:.4f}",
        origin=to_db(shapely.Point(lon, lat)),
    )  # fmt: skip
    held = checkout.check_out(walk_list, homes)
    kept = [h for h in homes if h.address_id in held]
    if not kept:  # every door went to a list made at the same moment
        raise Conflict("Those doors were just taken by another list; try again.",
                       code="doors_checked_out")  # fmt: skip
    nearest = address_ids[0] if address_ids[0] in held else None
    stops.fill_list(walk_list, kept, start_at=nearest)
    record_audit(
        "walk_lists.create",
        entity=walk_list,
        changes={"kind": "near", "universe_id": universe_id, "doors": walk_list.door_count},
    )
    _assign_all(actor, walk_list, assignee_ids or [])
    return walk_list


def _new_list(
    organization_id, user_id, kind, search: Search, universe_id, expires_at, **fields
) -> WalkList:
    walk_list = WalkList(
        organization_id=organization_id,
        code=new_code(WalkList.code),
        kind=kind,
        universe_id=universe_id,
        filter=dict(search.filter),
        household_mode=search.household_mode,
        expires_at=holding.lifetime_end(checkout.WALK_LISTS, expires_at),
        created_by_id=user_id,
        **fields,
    )
    db.session.add(walk_list)
    db.session.flush()
    return walk_list


def _assign_all(actor: Actor, walk_list: WalkList, user_ids: list[int]) -> None:
    if user_ids:
        assign(actor, walk_list, user_ids)


def assign(actor: Actor, walk_list: WalkList, user_ids: list[int]) -> list[int]:
    """Hand the list to canvassers of the campaign (any who already hold it stay)."""
    added = holding.assign(checkout.WALK_LISTS, actor, walk_list, user_ids)
    if added:
        record_audit("walk_lists.assign", entity=walk_list, changes={"user_ids": added})
        _notify(walk_list, added, "walk_list.assigned", "New walk list",
                f"{walk_list.name} is yours to walk.")  # fmt: skip
    return added


def unassign(walk_list: WalkList, user_id: int) -> None:
    holding.take_back(checkout.WALK_LISTS, walk_list, user_id)
    record_audit("walk_lists.unassign", entity=walk_list, changes={"user_id": user_id})
    _notify(walk_list, [user_id], "walk_list.unassigned", "Walk list taken back",
            f"{walk_list.name} is no longer yours.")  # fmt: skip


def claim(actor: Actor, code: str) -> WalkList:
    """A canvasser takes a list with its code (typed, or read from the QR code)."""
    checkout.release_expired(actor.organization_id)
    walk_list, claimed = holding.claim_by_code(checkout.WALK_LISTS, actor, code)
    if claimed:
        record_audit("walk_lists.claim", entity=walk_list, changes={"user_id": actor.user_id})
    return walk_list


def close(walk_list: WalkList) -> WalkList:
    """Close the list and free its doors; its stops and history stay."""
    holding.close(checkout.WALK_LISTS, walk_list)
    record_audit("walk_lists.close", entity=walk_list, changes={"status": "closed"})
    holders = [a.user_id for a in walk_list.assignments]
    _notify(walk_list, holders, "walk_list.closed", "Walk list closed",
            f"{walk_list.name} is closed; knocks you recorded still sync.")  # fmt: skip
    return walk_list


def _notify(walk_list: WalkList, user_ids: list[int], kind: str, title: str, body: str) -> None:
    """Tell the canvassers' phones (Web Push, where they turned it on)."""
    push.notify(walk_list.organization_id, user_ids, kind, title, body,
                url=f"/app/#/list/{walk_list.id}")  # fmt: skip
