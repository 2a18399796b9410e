"""The campaign's own street centrelines as a light base map, for maps with no tile server
(the console's, the phone's list map): the segments in a box, simplified for the zoom they
are drawn at, within limits (the box's area, the number of segments), with an ETag that
changes only when the campaign's streets do."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

from sqlalchemy import text

from app.core.errors import ValidationError
from app.extensions import db

#: Street lines are a base map for the doors: drawn from this zoom in (a few blocks wide).
MIN_ZOOM, MAX_ZOOM = 14, 22
#: The largest box served, in km² (a 1920 x 1080 screen at zoom 14 is about 110 km²).
MAX_AREA_KM2 = 150.0
#: At most this many segments in one answer: a denser box is refused, to be asked zoomed in.
MAX_FEATURES = 8_000
#: Simplified to half a screen pixel at the zoom asked: invisible, and a smaller answer.
TOLERANCE_PIXELS = 0.5
KM_PER_DEGREE = 111.32

_SEGMENTS = text("""
    SELECT json_build_object(
        'type', 'Feature', 'id', id,
        'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, :tolerance), :digits)::json,
        'properties', json_build_object('name', name, 'kind', kind, 'is_barrier', is_barrier)
    )::text
    FROM streets
    WHERE organization_id = :org AND geom && ST_MakeEnvelope(:west, :south, :east, :north, 4326)
      AND ST_Intersects(geom, ST_MakeEnvelope(:west, :south, :east, :north, 4326))
    ORDER BY id LIMIT :limit
""")
_VERSION = text("""
    SELECT count(*), coalesce(max(id), 0), coalesce(extract(epoch FROM max(updated_at)), 0)
    FROM streets WHERE organization_id = :org
""")


def area_km2(bbox: tuple[float, float, float, float]) -> float:
    """The box's area, near enough (degrees of longitude shrink with the latitude).

    >>> round(area_km2((-75.23, 39.94, -75.19, 39.97)), 1)
    11.4
    """
    west, south, east, north = bbox
    middle = math.radians((south + north) / 2)
    return (east - west) * KM_PER_DEGREE * math.cos(middle) * (north - south) * KM_PER_DEGREE


def check_view(bbox: tuple[float, float, float, float]) -> None:
    """Refuse a box too large to draw streets in (422, naming ``bbox``)."""
    area = area_km2(bbox)
    if area > MAX_AREA_KM2:
        raise ValidationError(
            f"The box is {area:,.0f} km²; street lines are served for {MAX_AREA_KM2:,.0f} km² "
            "at most: zoom in.",
            code="bbox_too_large",
            fields={"bbox": [f"At most {MAX_AREA_KM2:,.0f} km²."]},
        )


def streets_version(organization_id: int, bbox, zoom: int) -> str:
    """The ETag of this box at this zoom: it changes when the campaign's streets do (an
    import adds, updates or removes segments), not otherwise."""
    count, last_id, updated = db.session.execute(_VERSION, {"org": organization_id}).one()
    view = ",".join(f"{v:.6f}" for v in bbox)
    key = f"{organization_id}:{view}:{zoom}:{count}:{last_id}:{updated}"
    return "streets-" + hashlib.sha256(key.encode()).hexdigest()[:24]


def base_map(organization_id: int, bbox: tuple[float, float, float, float], zoom: int) -> bytes:
    """The segments crossing the box as a GeoJSON FeatureCollection (bytes, made in SQL),
    simplified for ``zoom``; a box holding more than ``MAX_FEATURES`` is refused (422)."""
    west, south, east, north = bbox
    degrees_per_pixel = 360 / (256 * 2**zoom)
    rows = db.session.scalars(_SEGMENTS, {
        "org": organization_id, "west": west, "south": south, "east": east, "north": north,
        "tolerance": degrees_per_pixel * TOLERANCE_PIXELS,
        "digits": 6 if zoom >= 17 else 5, "limit": MAX_FEATURES + 1,
    }).all()  # fmt: skip
    if len(rows) > MAX_FEATURES:
        raise ValidationError(
            f"More than {MAX_FEATURES:,} street segments in this box: zoom in.",
            code="too_many_streets",
            fields={"bbox": [f"At most {MAX_FEATURES:,} segments."]},
        )
    head: dict[str, Any] = {"type": "FeatureCollection", "zoom": zoom, "count": len(rows)}
    opening = json.dumps(head)[:-1] + ', "features": ['
    return (opening + ",".join(rows) + "]}").encode()
