"""Reads of streets: the segments in a map's view, as GeoJSON."""

from __future__ import annotations

from typing import Any

from shapely.geometry import mapping
from sqlalchemy import func, select

from app.core.geo import from_db
from app.extensions import db
from app.streets.models import Street

MAX_FEATURES = 20_000


def streets_in(
    organization_id: int, bbox: tuple[float, float, float, float], *, barriers_only: bool = False
) -> dict[str, Any]:
    """Segments crossing the box (west, south, east, north), at most ``MAX_FEATURES``."""
    stmt = select(Street).where(
        Street.organization_id == organization_id,
        func.ST_Intersects(Street.geom, func.ST_MakeEnvelope(*bbox, 4326)),
    )
    if barriers_only:
        stmt = stmt.where(Street.is_barrier.is_(True))
    streets = db.session.scalars(stmt.order_by(Street.id).limit(MAX_FEATURES + 1)).all()
    return {
        "type": "FeatureCollection",
        "truncated": len(streets) > MAX_FEATURES,
        "features": [
            {
                "type": "Feature",
                "id": s.id,
                "geometry": mapping(from_db(s.geom)),
                "properties": {"name": s.name, "kind": s.kind, "is_barrier": s.is_barrier},
            }
            for s in streets[:MAX_FEATURES]
        ],
    }
