"""A small town in the database: the made-up street grid of tests/turf/city.py placed in West
Philadelphia, one household and voter per house, its streets and two precincts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from geoalchemy2.shape import from_shape
from shapely import box
from shapely.geometry import MultiPolygon, mapping

from app.areas.models import Area
from app.auth.permissions import Role
from app.extensions import db
from app.streets.models import Street
from app.voters.search_columns import assign_areas
from tests.factories import (
    auth_headers,
    create_household,
    create_organization,
    create_person,
    create_user,
)
from tests.turf.city import city_area, rowhouses, street_grid
from turf.projection import LocalProjection

COLUMNS, ROWS = 4, 4
PROJECTION = LocalProjection(-75.21, 39.95)


def lonlat_shape(geometry):
    return PROJECTION.inverse_geometry(geometry)


def geojson(geometry) -> dict:
    return mapping(lonlat_shape(geometry))


@dataclass
class Town:
    houses: np.ndarray  # metres
    household_ids: list[int]
    person_ids: list[int]
    precinct_ids: list[int]
    area: dict  # GeoJSON of the whole town


@pytest.fixture
def org(db_session):
    return create_organization()


@pytest.fixture
def director(org):
    return create_user(org, Role.DIRECTOR)


@pytest.fixture
def headers(director):
    return auth_headers(director)


@pytest.fixture
def town(org) -> Town:
    return build_town(org)


def build_town(org) -> Town:
    """The town in ``org``: houses with one household and one Democrat each, its streets
    and two precincts (flushed, not committed)."""
    houses = rowhouses(COLUMNS, ROWS)
    lonlat = PROJECTION.inverse(houses)
    household_ids, person_ids = [], []
    for n, (lon, lat) in enumerate(lonlat):
        household = create_household(
            org, house_number=str(100 + n), street="GRID ST", lon=float(lon), lat=float(lat)
        )
        household_ids.append(household.id)
        person_ids.append(create_person(org, household=household, party="D").id)
    for n, line in enumerate(street_grid(COLUMNS, ROWS)):
        db.session.add(
            Street(
                organization_id=org.id,
                source_key=str(n),
                geom=from_shape(lonlat_shape(line), srid=4326),
            )
        )
    precincts = []
    for code, region in (("0101", box(-10, -10, 240, 330)), ("0102", box(240, -10, 490, 330))):
        area = Area(
            organization_id=org.id,
            kind="precinct",
            code=code,
            name=f"Precinct {code}",
            geom=from_shape(MultiPolygon([lonlat_shape(region)]), srid=4326),
        )
        db.session.add(area)
        db.session.flush()
        precincts.append(area.id)
    db.session.flush()
    assign_areas(org.id)
    return Town(houses, household_ids, person_ids, precincts, geojson(city_area(COLUMNS, ROWS)))


def commit_town_cut(client, headers, town: Town, target: int = 52) -> dict:
    """Cut the whole town through the API; the committed cut's JSON."""
    response = client.post(
        "/api/v1/turf-cuts", json={"target": target, "polygon": town.area}, headers=headers
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def cut(client, headers, town):
    return commit_town_cut(client, headers, town)
