"""Turfs edited by hand: rename, redraw, merge, split, move doors.

Each verb flushes and writes its audit record; a door stays in one active turf at most, and a
turf left with no doors is retired, not deleted.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import shapely
from sqlalchemy import delete, func, insert, select

from app.accounts.models import User
from app.audit.operations import record_audit
from app.core.errors import NotFound, ValidationError
from app.core.geo import from_db, to_db
from app.extensions import db
from app.turfs.models import Turf, TurfDoor, TurfStatus
from app.turfs.operations import clear_area, multipolygon, refresh_counts
from app.voters.models import Address
from turf.cut import cut
from turf.projection import LocalProjection, buffer_in_metres

#: The outline given with a moved door: 10 m around it, on the ground.
DOOR_BUBBLE_M = 10.0


def rename_turf(turf: Turf, name: str) -> Turf:
    before = turf.name
    turf.name = name
    db.session.flush()
    record_audit("turfs.rename", entity=turf, changes={"name": [before, name]})
    return turf


def set_captain(turf: Turf, user_id: int | None) -> Turf:
    """The turf's captain: an active user of its campaign, or nobody."""
    if user_id is not None:
        user = db.session.get(User, user_id)
        if user is None or user.organization_id != turf.organization_id or not user.is_active:
            raise NotFound("No such user.", code="user_not_found",
                           fields={"captain_id": [user_id]})  # fmt: skip
    before = turf.captain_id
    turf.captain_id = user_id
    db.session.flush()
    db.session.expire(turf, ["captain"])
    record_audit("turfs.captain", entity=turf, changes={"captain_id": [before, user_id]})
    return turf


def redraw_turf(turf: Turf, polygon) -> Turf:
    """Give the turf a new outline: it holds the placed doors inside it (taken from other
    turfs), and lets go of its doors outside it."""
    _require_active(turf)
    inside = db.session.scalars(
        select(Address.id).where(
            Address.organization_id == turf.organization_id,
            func.ST_Intersects(Address.point, to_db(polygon)),
        )
    ).all()
    weights = _weights_of(turf.organization_id, inside)
    mine = set(db.session.scalars(select(TurfDoor.address_id).filter_by(turf_id=turf.id)))
    db.session.execute(delete(TurfDoor).where(TurfDoor.turf_id == turf.id))
    retired, trimmed = clear_area(turf.organization_id, polygon, keep=turf.id)
    rows = [
        {
            "organization_id": turf.organization_id,
            "turf_id": turf.id,
            "address_id": a,
            "weight": weights.get(a, 0),
        }
        for a in inside
    ]
    if rows:
        db.session.execute(insert(TurfDoor), rows)
    turf.geom = to_db(multipolygon(polygon))
    refresh_counts(turf)
    db.session.flush()
    record_audit(
        "turfs.redraw",
        entity=turf,
        changes={
            "doors_added": len(set(inside) - mine),
            "doors_released": len(mine - set(inside)),
            "retired_turf_ids": retired,
            "trimmed_turf_ids": trimmed,
        },
    )
    return turf


def _weights_of(organization_id: int, address_ids: Iterable[int]) -> dict[int, int]:
    """The weight doors had in the turfs holding them (their target homes at the cut)."""
    return dict(
        db.session.execute(
            select(TurfDoor.address_id, TurfDoor.weight).where(
                TurfDoor.organization_id == organization_id,
                TurfDoor.address_id.in_(list(address_ids)),
            )
        ).all()
    )


def merge_turfs(turfs: list[Turf], name: str | None = None) -> Turf:
    """Fold the other turfs into the first: their doors and outlines; they are retired."""
    if len({t.id for t in turfs}) < 2:
        raise ValidationError("Merge needs two or more turfs.", fields={"turf_ids": "too few"})
    for turf in turfs:
        _require_active(turf)
    keep, others = turfs[0], turfs[1:]
    ids = [t.id for t in others]
    db.session.execute(
        TurfDoor.__table__.update().where(TurfDoor.turf_id.in_(ids)).values(turf_id=keep.id)
    )
    outline = shapely.union_all([from_db(t.geom) for t in turfs])
    keep.geom = to_db(multipolygon(outline))
    keep.name = name or keep.name
    for turf in others:
        turf.status = TurfStatus.RETIRED
        turf.door_count = turf.target_count = 0
    refresh_counts(keep)
    db.session.flush()
    record_audit("turfs.merge", entity=keep, changes={"merged_turf_ids": ids})
    return keep


def split_turf(turf: Turf, parts: int = 2) -> list[Turf]:
    """Cut one turf into ``parts`` balanced turfs of its own doors (the same method as a cut)."""
    _require_active(turf)
    doors = db.session.execute(
        select(
            TurfDoor.address_id, TurfDoor.weight, func.ST_X(Address.point), func.ST_Y(Address.point)
        )
        .join(Address, Address.id == TurfDoor.address_id)
        .where(TurfDoor.turf_id == turf.id)
        .order_by(TurfDoor.address_id)
    ).all()
    if len(doors) < parts:
        raise ValidationError(
            f"The turf has {len(doors)} doors; it cannot be split in {parts}.",
            fields={"parts": parts},
        )
    table = np.array(doors, dtype=float)
    outline = from_db(turf.geom)
    projection = LocalProjection.around(np.array(outline.envelope.exterior.coords))
    weights = np.maximum(table[:, 1], 1)
    result = cut(
        projection.forward(table[:, 2:4]),
        weights.sum() / parts,
        projection.forward_geometry(outline.buffer(0)),
        weights=weights,
    )
    made = []
    for number, piece in enumerate(result.turfs):
        target = turf
        if number:
            name = f"{turf.name}.{number + 1}"
            target = Turf(organization_id=turf.organization_id, cut_id=turf.cut_id, name=name)
        target.geom = to_db(multipolygon(projection.inverse_geometry(piece.polygon)))
        if number:
            db.session.add(target)
            db.session.flush()
            ids = table[piece.doors, 0].astype(int).tolist()
            db.session.execute(
                TurfDoor.__table__.update()
                .where(TurfDoor.address_id.in_(ids))
                .values(turf_id=target.id)
            )
        made.append(target)
    for piece in made:
        refresh_counts(piece)
    db.session.flush()
    record_audit("turfs.split", entity=turf, changes={"into_turf_ids": [t.id for t in made]})
    return made


def move_doors(turf: Turf, address_ids: list[int]) -> Turf:
    """Move these doors (from whatever turf holds them) into ``turf``."""
    _require_active(turf)
    known = set(
        db.session.scalars(
            select(Address.id).where(
                Address.organization_id == turf.organization_id, Address.id.in_(address_ids)
            )
        )
    )
    unknown = sorted(set(address_ids) - known)
    if unknown:
        raise ValidationError(
            f"No such address: {', '.join(map(str, unknown[:10]))}.",
            code="address_not_found",
            fields={"address_ids": unknown[:10]},
        )
    weights = _weights_of(turf.organization_id, known)
    losing = db.session.scalars(
        delete(TurfDoor)
        .where(TurfDoor.address_id.in_(known), TurfDoor.turf_id != turf.id)
        .returning(TurfDoor.turf_id)
    ).all()
    already = set(db.session.scalars(select(TurfDoor.address_id).filter_by(turf_id=turf.id)))
    rows = [
        {
            "organization_id": turf.organization_id,
            "turf_id": turf.id,
            "address_id": a,
            "weight": weights.get(a, 0),
        }
        for a in sorted(known - already)
    ]
    if rows:
        db.session.execute(insert(TurfDoor), rows)
    points = db.session.scalar(select(func.ST_Collect(Address.point)).where(Address.id.in_(known)))
    # A small bubble around each moved door passes from the givers' outlines to this one's,
    # so outlines still hold their doors and never overlap.
    bubble = buffer_in_metres(from_db(points), DOOR_BUBBLE_M) if points is not None else None
    if bubble is not None:
        grown = from_db(turf.geom).union(bubble)
        turf.geom = to_db(multipolygon(grown))
    refresh_counts(turf)
    for other in db.session.scalars(select(Turf).where(Turf.id.in_(set(losing)))):
        refresh_counts(other)
        if other.door_count == 0:
            other.status = TurfStatus.RETIRED
        elif bubble is not None:
            shrunk = from_db(other.geom).difference(bubble)
            other.geom = to_db(multipolygon(shrunk))
    db.session.flush()
    record_audit(
        "turfs.move_doors",
        entity=turf,
        changes={"address_ids": sorted(known), "from_turf_ids": sorted(set(losing))},
    )
    return turf


def _require_active(turf: Turf) -> None:
    if turf.status != TurfStatus.ACTIVE:
        raise ValidationError(
            f"Turf {turf.id} is retired; it can no longer change.",
            code="turf_retired",
            fields={"turf_id": turf.id},
        )
