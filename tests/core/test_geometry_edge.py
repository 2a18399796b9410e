"""Geometry crosses into and out of the database in one place: app/core/geo.py's ``to_db`` and
``from_db``. A room that converts by itself (GeoAlchemy2's shape helpers, WKT or WKB elements,
Shapely's WKB/WKT readers) is found here."""

from __future__ import annotations

import ast
from pathlib import Path

import shapely

from app.core.geo import SRID, from_db, to_db

APP = Path(__file__).resolve().parents[2] / "app"
EDGE = APP / "core" / "geo.py"
CONVERTERS = {"to_shape", "from_shape", "WKTElement", "WKBElement", "from_wkb", "from_wkt"}


def conversions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("geoalchemy2"):
            found += [f"import {a.name}" for a in node.names if a.name in CONVERTERS]
        elif isinstance(node, ast.Attribute) and node.attr in CONVERTERS:
            found.append(f".{node.attr}")
    return found


def test_only_the_edge_converts_geometry():
    offenders = {
        str(path.relative_to(APP.parent)): hits
        for path in sorted(APP.rglob("*.py"))
        if path != EDGE and (hits := conversions(path))
    }
    assert offenders == {}, "use app.core.geo.to_db / from_db"


def test_to_db_and_back_keeps_the_geometry_and_its_srid(db_session):
    polygon = shapely.box(-75.2, 39.95, -75.19, 39.96)
    stored = to_db(polygon)
    assert stored.srid == SRID == 4326
    assert from_db(stored).equals(polygon)
    assert from_db(None) is None
