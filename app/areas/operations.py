"""Load boundaries (GeoJSON or Shapefile) and place every address in the areas that hold it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from sqlalchemy import func, literal_column
from sqlalchemy.dialects.postgresql import insert

from app.areas.models import Area
from app.core.geo import read_features, to_db
from app.core.reading import FileRefused, RowReject
from app.extensions import db
from app.voters.search_columns import assign_areas

# Properties that usually hold a boundary's code, tried in order when no field is named.
CODE_FIELD_GUESSES = ("code", "CODE", "DIVISION_NUM", "WARD_NUM", "PRECINCT", "DISTRICT", "id")
NAME_FIELD_GUESSES = ("name", "NAME", "label", "LABEL")


@dataclass
class AreaImportResult:
    read: int
    inserted: int
    updated: int
    rejects: list[RowReject]
    addresses_placed: int


def _polygonal(geometry: dict[str, Any] | None) -> MultiPolygon | str:
    """The geometry as a valid MultiPolygon, or the reason it cannot be one."""
    if not geometry:
        return "no geometry"
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError) as exc:
        return f"unreadable geometry ({exc})"
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    polygons = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon | MultiPolygon)]
    parts = [p for g in polygons for p in getattr(g, "geoms", [g]) if not p.is_empty]
    if not parts:
        return f"expected a Polygon or MultiPolygon, got {geometry.get('type')}"
    multi = MultiPolygon(parts)
    minx, miny, maxx, maxy = multi.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return "coordinates are not longitude/latitude (WGS84); reproject the file first"
    return multi


def import_areas(
    organization_id: int,
    path: Path,
    *,
    kind: str,
    code_field: str | None = None,
    name_field: str | None = None,
    import_job_id: int | None = None,
) -> AreaImportResult:
    """Insert or replace the areas of one kind (matched on code); nothing else is touched."""
    rows, rejects, seen = [], [], set()
    features = list(read_features(path))
    if not features:
        raise FileRefused("The file holds no features.")
    first = features[0][0]
    code_field = code_field or next((f for f in CODE_FIELD_GUESSES if f in first), None)
    if code_field is None or code_field not in first:
        raise FileRefused(
            f"Name the property that holds each area's code (--code-field); "
            f"the features have: {', '.join(sorted(first)) or 'no properties'}.",
            fields={"code_field": "missing"},
        )
    name_field = name_field or next((f for f in NAME_FIELD_GUESSES if f in first), None)
    for number, (properties, geometry) in enumerate(features, start=1):
        code = str(properties.get(code_field) or "").strip()
        geom = _polygonal(geometry)
        if not code:
            rejects.append(RowReject(number, code_field, "no code"))
        elif isinstance(geom, str):
            rejects.append(RowReject(number, "geometry", geom, code))
        elif code in seen:
            rejects.append(RowReject(number, code_field, "duplicate code", code))
        else:
            seen.add(code)
            name = str(properties.get(name_field) or "") if name_field else ""
            rows.append(
                {
                    "organization_id": organization_id,
                    "kind": kind,
                    "code": code,
                    "name": name[:200] or f"{kind.title()} {code}",
                    "geom": to_db(geom),
                    "properties": json.loads(json.dumps(properties, default=str)),
                    "import_job_id": import_job_id,
                }
            )
    inserted = updated = 0
    if rows:
        statement = insert(Area).values(rows)
        statement = statement.on_conflict_do_update(
            constraint="uq_areas_organization_id",
            set_={
                **{
                    c: statement.excluded[c]
                    for c in ("name", "geom", "properties", "import_job_id")
                },
                "updated_at": func.now(),
            },
        ).returning(Area.id, literal_column("xmax = 0").label("is_new"))
        for _, is_new in db.session.execute(statement):
            inserted += bool(is_new)
            updated += not is_new
    placed = assign_areas(organization_id)
    return AreaImportResult(len(features), inserted, updated, rejects, placed)
