"""Load street centrelines (GeoJSON or a zipped Shapefile), and mark barriers."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import LineString, shape
from sqlalchemy import func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert

from app.audit.operations import record_audit
from app.core.geo import read_features, to_db
from app.core.reading import FileRefused, RowReject
from app.extensions import db
from app.streets.models import Street

# Properties that usually hold a segment's id and name, tried in order when none is named.
KEY_FIELD_GUESSES = ("fid", "FID", "SEG_ID", "seg_id", "id", "ID", "OBJECTID", "LINEARID")
NAME_FIELD_GUESSES = ("name", "NAME", "ST_NAME", "FULLNAME", "STNAME")
BATCH = 5_000


@dataclass
class StreetImportResult:
    read: int
    inserted: int
    updated: int
    rejects: list[RowReject]


def import_streets(
    organization_id: int,
    path: Path,
    *,
    key_field: str | None = None,
    name_field: str | None = None,
    barrier: bool = False,
    kind: str = "street",
    import_job_id: int | None = None,
) -> StreetImportResult:
    """Insert or update segments, matched on the file's own id; a MultiLineString feature
    becomes one segment per part (``id/1``, ``id/2`` ...)."""
    features = read_features(path)
    rows, rejects, seen = [], [], set()
    inserted = updated = read = 0
    first: dict[str, Any] | None = None
    for number, (properties, geometry) in enumerate(features, start=1):
        read += 1
        if first is None:
            first = properties
            key_field = _field(key_field, KEY_FIELD_GUESSES, properties, "key_field")
            name_field = name_field or next((f for f in NAME_FIELD_GUESSES if f in first), None)
        key = str(properties.get(key_field) if key_field else number).strip()
        lines = _lines(geometry)
        if isinstance(lines, str):
            rejects.append(RowReject(number, "geometry", lines, key[:200]))
            continue
        if not key or key in seen:
            rejects.append(RowReject(number, key_field or "", "no id, or an id seen twice", key))
            continue
        seen.add(key)
        name = str(properties.get(name_field) or "").strip()[:120] if name_field else ""
        clean = json.loads(json.dumps(properties, default=str))
        for part, line in enumerate(lines, start=1):
            rows.append(
                {
                    "organization_id": organization_id,
                    "source_key": key if len(lines) == 1 else f"{key}/{part}",
                    "name": name,
                    "kind": kind,
                    "is_barrier": barrier,
                    "geom": to_db(line),
                    "properties": clean,
                    "import_job_id": import_job_id,
                }
            )
        if len(rows) >= BATCH:
            added, changed = _upsert(rows, barrier)
            inserted, updated, rows = inserted + added, updated + changed, []
    if read == 0:
        raise FileRefused("The file holds no features.")
    if rows:
        added, changed = _upsert(rows, barrier)
        inserted, updated = inserted + added, updated + changed
    return StreetImportResult(read, inserted, updated, rejects)


def _field(named: str | None, guesses, properties: dict[str, Any], option: str) -> str | None:
    if named is None:
        return next((f for f in guesses if f in properties), None)
    if named not in properties:
        raise FileRefused(
            f"The features have no property {named!r}; they have: "
            f"{', '.join(sorted(properties)) or 'no properties'}.",
            fields={option: named},
        )
    return named


def _lines(geometry: dict[str, Any] | None) -> list[LineString] | str:
    """The geometry's lines in WGS84, or the reason it has none."""
    if not geometry:
        return "no geometry"
    try:
        geom = shapely.force_2d(shape(geometry))
    except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError) as exc:
        return f"unreadable geometry ({exc})"
    lines = [g for g in shapely.get_parts(geom) if g.geom_type == "LineString" and g.length > 0]
    if not lines:
        return f"expected a LineString, got {geometry.get('type')}"
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return "coordinates are not longitude/latitude (WGS84); reproject the file first"
    return lines


def _upsert(rows: list[dict[str, Any]], barrier: bool) -> tuple[int, int]:
    statement = insert(Street).values(rows)
    changes = {c: statement.excluded[c] for c in ("name", "kind", "geom", "properties")}
    if barrier:  # a barrier file marks its lines; a plain re-import never unmarks them
        changes["is_barrier"] = statement.excluded.is_barrier
    statement = statement.on_conflict_do_update(
        constraint="uq_streets_organization_id",
        set_={
            **changes,
            "import_job_id": statement.excluded.import_job_id,
            "updated_at": func.now(),
        },
    ).returning(literal_column("xmax = 0"))
    flags = db.session.scalars(statement).all()
    return sum(flags), len(flags) - sum(flags)


def mark_barriers(organization_id: int, street_ids: list[int], is_barrier: bool) -> int:
    """Mark (or unmark) these segments as barriers; returns how many changed."""
    result = db.session.execute(
        update(Street)
        .where(
            Street.organization_id == organization_id,
            Street.id.in_(street_ids),
            Street.is_barrier.is_not(is_barrier),
        )
        .values(is_barrier=is_barrier, updated_at=func.now())
    )
    changed = result.rowcount
    record_audit(
        "streets.barriers",
        entity_type="street",
        changes={"street_ids": sorted(street_ids), "is_barrier": is_barrier, "changed": changed},
    )
    return changed


def known_street_ids(organization_id: int, street_ids: list[int]) -> set[int]:
    return set(
        db.session.scalars(
            select(Street.id).where(
                Street.organization_id == organization_id, Street.id.in_(street_ids)
            )
        )
    )
