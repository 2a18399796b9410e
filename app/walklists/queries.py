"""Reads of walk lists: who may see which, the list in walking order, live progress."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, func, or_, select

from app.accounts.models import User
from app.auth.permissions import Permission
from app.core.errors import NotFound
from app.core.links import public_url
from app.core.pagination import Page, paginate
from app.extensions import db
from app.knocks.models import DoorKnock, KnockStatus, NoteScope, PlaceNote
from app.knocks.results import contact_results
from app.people.models import Interaction, InteractionKind, Person
from app.people.visibility import Channel, may_contact
from app.voters.models import Address, Household
from app.walklists.models import (
    WalkList,
    WalkListAssignment,
    WalkListPerson,
    WalkListStatus,
    WalkListStop,
)

SUMMARY_FIELDS = (
    "id", "name", "code", "kind", "status", "turf_id", "universe_id", "household_mode",
    "expires_at", "closed_at", "created_at", "door_count", "household_count", "people_count",
    "target_count", "route_length_m",
)  # fmt: skip
SUMMARY_FIELDS = (
    "id", "name", "code", "kind", "status", "turf_id", "universe_id", "household_mode",
    "expires_at", "closed_at", "created_at", "door_count", "household_count", "people_count",
    "target_count", "route_length_m",
)  # fmt: skip
LIST_SORTS = {"name": WalkList.name, "created_at": WalkList.created_at}


def claim_url(walk_list: WalkList) -> str:
    """The link (and QR code) a canvasser opens to claim the list in the app."""
    return public_url(f"/claim/{walk_list.code}")


def visible_lists(user: User):
    """Every list of the campaign for those who manage lists; else the lists one holds."""
    stmt = select(WalkList).where(WalkList.organization_id == user.organization_id)
    if not user.can(Permission.WALKLISTS_MANAGE):
        stmt = stmt.where(
            exists().where(
                WalkListAssignment.walk_list_id == WalkList.id,
                WalkListAssignment.user_id == user.id,
                WalkListAssignment.released_at.is_(None),
            )
        )
    return stmt


def get_list(user: User, list_id: int) -> WalkList:
    """A list the user may see; anybody else's is 404 (a code is not guessed by id)."""
    walk_list = None
    if list_id < 2**63:
        walk_list = db.session.scalar(visible_lists(user).where(WalkList.id == list_id))
    if walk_list is None:
        raise NotFound("No such walk list.", code="walk_list_not_found")
    return walk_list


def list_lists(user: User, args: Mapping[str, Any]) -> Page:
    stmt = visible_lists(user)
    status = args.get("status", WalkListStatus.ACTIVE)
    if status != "all":
        stmt = stmt.where(WalkList.status == status)
    if args.get("turf_id"):
        stmt = stmt.where(WalkList.turf_id == args["turf_id"])
    if args.get("mine"):
        stmt = stmt.where(
            exists().where(
                WalkListAssignment.walk_list_id == WalkList.id,
                WalkListAssignment.user_id == user.id,
                WalkListAssignment.released_at.is_(None),
            )
        )
    return paginate(stmt, args, sortable=LIST_SORTS, default_order=[WalkList.id.desc()])


def progress(lists: list[WalkList]) -> dict[int, dict[str, Any]]:
    """Per list: households knocked and contacted since the list was made, last knock."""
    stats = {w.id: {"knocked": 0, "contacted": 0, "last_knock_at": None} for w in lists}
    if not lists:
        return stats
    made = {w.id: w.created_at for w in lists}
    knocks = (
        select(
            WalkListPerson.walk_list_id,
            WalkListPerson.stop_id,
            func.bool_or(Interaction.result.in_(contact_results(lists[0].organization_id))).label(
                "contacted"
            ),
            func.max(Interaction.occurred_at).label("last_at"),
        )
        .join(Interaction, Interaction.person_id == WalkListPerson.person_id)
        .join(WalkList, WalkList.id == WalkListPerson.walk_list_id)
        .where(
            WalkListPerson.walk_list_id.in_(list(made)),
            Interaction.kind == InteractionKind.DOOR_KNOCK,
            Interaction.occurred_at >= WalkList.created_at,
            Interaction.voided_at.is_(None),
        )
        .group_by(WalkListPerson.walk_list_id, WalkListPerson.stop_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            knocks.c.walk_list_id,
            func.count(),
            func.count().filter(knocks.c.contacted),
            func.max(knocks.c.last_at),
        ).group_by(knocks.c.walk_list_id)
    ).all()
    for list_id, knocked, contacted, last_at in rows:
        stats[list_id] = {"knocked": knocked, "contacted": contacted, "last_knock_at": last_at}
    return stats


def summary(walk_list: WalkList, stats: dict[str, Any] | None = None) -> dict[str, Any]:
    """The list without its stops: what a table of lists shows."""
    stats = stats if stats is not None else progress([walk_list])[walk_list.id]
    households = walk_list.household_count or 0
    return {
        **{name: getattr(walk_list, name) for name in SUMMARY_FIELDS},
        "origin": _origin(walk_list),
        "assignees": [
            {
                "user_id": a.user_id,
                "name": a.user.name,
                "claimed": a.claimed,
                "assigned_at": a.assigned_at,
            }
            for a in sorted(walk_list.assignments, key=lambda a: a.assigned_at)
        ],
        "progress": {
            **stats,
            "households": households,
            "share_knocked": round(stats["knocked"] / households, 3) if households else 0.0,
        },
    }


def _origin(walk_list: WalkList) -> dict[str, float] | None:
    if walk_list.origin is None:
        return None
    lon, lat = db.session.execute(
        select(func.ST_X(walk_list.origin), func.ST_Y(walk_list.origin))
    ).one()
    return {"lon": lon, "lat": lat}


def stop_rows(walk_list: WalkList) -> list[dict[str, Any]]:
    """The list in walking order: one row per home, its people (targets first)."""
    year = datetime.now(UTC).year
    addresses = {
        row.id: row
        for row in db.session.execute(
            select(
                Address.id,
                Address.house_number,
                Address.house_number_suffix,
                Address.street,
                Address.city,
                Address.zip,
                func.ST_X(Address.point).label("lon"),
                func.ST_Y(Address.point).label("lat"),
            ).where(
                Address.id.in_(
                    select(WalkListStop.address_id).where(WalkListStop.walk_list_id == walk_list.id)
                )
            )
        )
    }
    units = dict(
        db.session.execute(
            select(Household.id, Household.unit).where(
                Household.id.in_(
                    select(WalkListStop.household_id).where(
                        WalkListStop.walk_list_id == walk_list.id
                    )
                )
            )
        ).all()
    )
    knocked = _knocked_people(walk_list)
    notes = place_notes(list(addresses))
    hidden = hidden_people(walk_list.id)
    rows = []
    for stop in walk_list.stops:
        people = [p for p in stop.people if p.person_id not in hidden]
        if stop.people and not people:
            continue  # nobody left to knock for: the door leaves the list too
        address = addresses[stop.address_id]
        rows.append(
            {
                "position": stop.position,
                "door_number": stop.door_number,
                "address_id": stop.address_id,
                "household_id": stop.household_id,
                "address": street_line(address),
                "unit": units.get(stop.household_id) or "",
                "city": address.city,
                "zip": address.zip,
                "lon": address.lon,
                "lat": address.lat,
                "people": [_person(p, year, knocked) for p in people],
                "place_notes": [
                    {k: v for k, v in n.items() if k != "household_id"}
                    for n in notes.get(stop.address_id, [])
                    if n["household_id"] in (None, stop.household_id)
                ],
            }
        )
    return rows


def hidden_people(list_id: int) -> set[int]:
    """The people on the list who may no longer be shown at the door (flagged confidential,
    deceased or do-not-contact since the list was made): every read of the list leaves them
    out."""
    return set(
        db.session.scalars(
            select(WalkListPerson.person_id)
            .join(Person, Person.id == WalkListPerson.person_id)
            .where(WalkListPerson.walk_list_id == list_id, ~may_contact(Channel.DOOR))
        )
    )


def street_line(address) -> str:
    number = f"{address.house_number}{address.house_number_suffix or ''}"
    return f"{number} {address.street}".strip()


def _person(entry: WalkListPerson, year: int, knocked: dict[int, str | None]) -> dict[str, Any]:
    person: Person = entry.person
    return {
        "person_id": person.id,
        "first_name": person.first_name or "",
        "middle_name": person.middle_name or "",
        "last_name": person.last_name or "",
        "suffix": person.suffix or "",
        "gender": person.gender or "",
        "age": year - person.birth_year if person.birth_year else None,
        "party": person.party or "",
        "languages": list(person.languages or []),
        "is_target": entry.is_target,
        "knocked": entry.person_id in knocked,
        "last_result": knocked.get(entry.person_id),
    }


def _knocked_people(walk_list: WalkList) -> dict[int, str | None]:
    """Person id -> the latest door result since the list was made."""
    rows = db.session.execute(
        select(Interaction.person_id, Interaction.result)
        .join(WalkListPerson, WalkListPerson.person_id == Interaction.person_id)
        .where(
            WalkListPerson.walk_list_id == walk_list.id,
            Interaction.kind == InteractionKind.DOOR_KNOCK,
            Interaction.occurred_at >= walk_list.created_at,
            Interaction.voided_at.is_(None),
        )
        .order_by(Interaction.person_id, Interaction.occurred_at)
    ).all()
    return {person_id: result for person_id, result in rows}


def place_notes(address_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """What canvassers noted about these places (dog, gated ...), newest first; a note about
    one home in a building names it (``household_id``), a note about the building does not."""
    notes: dict[int, list[dict[str, Any]]] = {}
    rows = db.session.scalars(
        select(PlaceNote)
        .outerjoin(DoorKnock, DoorKnock.id == PlaceNote.door_knock_id)
        .where(
            PlaceNote.address_id.in_(address_ids),
            or_(DoorKnock.id.is_(None), DoorKnock.status == KnockStatus.APPLIED),
        )
        .order_by(PlaceNote.created_at.desc(), PlaceNote.id.desc())
    )
    for note in rows:
        notes.setdefault(note.address_id, []).append(
            {
                "kind": note.kind.value,
                "text": note.text,
                "scope": (NoteScope.HOME if note.household_id else NoteScope.BUILDING).value,
                "household_id": note.household_id,
            }
        )
    return notes
