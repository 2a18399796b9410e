"""Verbs on turfs: commit a cut, import outlines; the shared steps of every change.

Each takes plain values, flushes, writes its audit record and leaves the commit to the caller.
A door (address) is in one active turf at most: every verb that gives a turf doors takes them
from wherever they were, and a turf left with no doors is retired, not deleted.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import MultiPolygon
from sqlalchemy import delete, func, insert, select

from app.audit.operations import record_audit
from app.core.actor import Actor
from app.core.geo import from_db, to_db
from app.extensions import db
from app.turfs.cutting import CutPlan, CutSpec, plan_cut
from app.turfs.inputs import load_inputs
from app.turfs.models import Turf, TurfCut, TurfDoor, TurfStatus
from app.voters.models import Address


def multipolygon(geometry) -> MultiPolygon:
    """Any polygonal geometry as the MultiPolygon the turf columns hold."""
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon" and g.area > 0]
    return MultiPolygon(parts)


def commit_cut(actor: Actor, spec: CutSpec, name: str) -> TurfCut:
    """Cut as the preview did and store the turfs; turfs outside the area stay as they were."""
    organization_id, user_id = actor.organization_id, actor.user_id
    plan = plan_cut(organization_id, spec)
    record = TurfCut(
        organization_id=organization_id,
        name=name,
        target=spec.target,
        options=spec_options(spec),
        metrics={**plan.metrics, "seconds": plan.seconds},
        area=to_db(multipolygon(plan.area)),
        created_by_id=user_id,
    )
    db.session.add(record)
    db.session.flush()
    address_ids = np.concatenate([t.address_ids for t in plan.turfs]).tolist()
    retired, trimmed = clear_area(organization_id, plan.area)
    turfs = _store_turfs(organization_id, record.id, plan)
    record_audit(
        "turfs.cut",
        entity=record,
        changes={
            "turfs": len(turfs),
            "target": spec.target,
            "doors": len(address_ids),
            "retired_turf_ids": retired,
            "trimmed_turf_ids": trimmed,
        },
    )
    return record


def spec_options(spec: CutSpec) -> dict:
    return {
        "area_ids": list(spec.area_ids),
        "drawn": spec.polygon is not None,
        "universe_filter": spec.universe_filter,
        "respect": list(spec.respect),
        "use_barriers": spec.use_barriers,
        "use_streets": spec.use_streets,
    }


def _store_turfs(organization_id: int, cut_id: int, plan: CutPlan) -> list[int]:
    ids = db.session.scalars(
        insert(Turf).returning(Turf.id, sort_by_parameter_order=True),
        [
            {
                "organization_id": organization_id,
                "cut_id": cut_id,
                "name": t.name,
                "geom": to_db(multipolygon(t.polygon)),
                "door_count": len(t.address_ids),
                "target_count": t.target_count,
                "metrics": {"polsby_popper": round(t.polsby_popper, 4), "region": t.region},
            }
            for t in plan.turfs
        ],
    ).all()
    rows = [
        {
            "organization_id": organization_id,
            "turf_id": turf_id,
            "address_id": int(a),
            "weight": int(w),
        }
        for turf_id, t in zip(ids, plan.turfs, strict=True)
        for a, w in zip(t.address_ids, t.weights, strict=True)
    ]
    if rows:
        db.session.execute(insert(TurfDoor), rows)
    return list(ids)


def clear_area(organization_id: int, area, *, keep: int | None = None) -> tuple[list, list]:
    """Free every door inside ``area`` from the active turfs holding it (but ``keep``), trim
    their outlines by the area, and retire those left empty. Returns (retired, trimmed) ids."""
    geom = to_db(area)
    inside = select(Address.id).where(
        Address.organization_id == organization_id, func.ST_Intersects(Address.point, geom)
    )
    db.session.execute(
        delete(TurfDoor).where(
            TurfDoor.organization_id == organization_id,
            TurfDoor.address_id.in_(inside),
            TurfDoor.turf_id != (keep or 0),
        )
    )
    touched = db.session.scalars(
        select(Turf).where(
            Turf.organization_id == organization_id,
            Turf.status == TurfStatus.ACTIVE,
            Turf.id != (keep or 0),
            func.ST_Intersects(Turf.geom, geom),
        )
    ).all()
    retired, trimmed = [], []
    for turf in touched:
        refresh_counts(turf)
        if turf.door_count == 0:
            turf.status = TurfStatus.RETIRED
            retired.append(turf.id)
        else:
            turf.geom = to_db(multipolygon(from_db(turf.geom).difference(area)))
            trimmed.append(turf.id)
    db.session.flush()
    return sorted(retired), sorted(trimmed)


def refresh_counts(turf: Turf) -> None:
    turf.door_count, turf.target_count = db.session.execute(
        select(func.count(), func.coalesce(func.sum(TurfDoor.weight), 0)).where(
            TurfDoor.turf_id == turf.id
        )
    ).one()


def import_turfs(organization_id: int, shapes) -> list[Turf]:
    """Create a turf per imported outline; each holds the placed doors inside it (taken from
    older turfs, as a redraw takes them). A later outline wins where two overlap."""
    made = []
    for item in shapes:
        clear_area(organization_id, item.polygon)
        turf = Turf(
            organization_id=organization_id,
            name=item.name,
            geom=to_db(multipolygon(item.polygon)),
        )
        db.session.add(turf)
        db.session.flush()
        inputs = load_inputs(organization_id, item.polygon, use_barriers=False)
        rows = [
            {
                "organization_id": organization_id,
                "turf_id": turf.id,
                "address_id": int(a),
                "weight": int(w),
            }
            for a, w in zip(inputs.address_ids, inputs.weights, strict=True)
        ]
        if rows:
            db.session.execute(insert(TurfDoor), rows)
        refresh_counts(turf)
        made.append(turf)
    db.session.flush()
    record_audit(
        "turfs.import",
        entity_type="turf",
        changes={"turf_ids": [t.id for t in made], "names": [t.name for t in made]},
    )
    return made
