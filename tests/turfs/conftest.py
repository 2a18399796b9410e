"""A small town in the database: the made-up street grid of tests/turf/city.py placed in West
Philadelphia, one household and voter per house, its streets and two precincts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
import sqlalchemy as sa
from geoalchemy2.shape import from_shape
from shapely import box
from shapely.geometry import MultiPolygon, mapping

from app.accounts.models import Organization, User
from app.areas.models import Area
from app.auth.permissions import Role
from app.extensions import db
from app.people.models import Person, PersonSource
from app.streets.models import Street
from app.voters.models import Address, Household
from app.voters.search_columns import assign_areas
from tests.factories import auth_headers, create_organization, create_user
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


@dataclass(frozen=True)
class TownWorld:
    organization_id: int
    director_id: int
    town: Town


@pytest.fixture(scope="module")
def town_world(committed_world) -> TownWorld:
    """The town, its campaign and a director, committed once for the module."""

    def build() -> TownWorld:
        org = create_organization()
        director = create_user(org, Role.DIRECTOR)
        return TownWorld(org.id, director.id, build_town(org))

    return committed_world(build)


@pytest.fixture
def org(db_session, town_world):
    return db_session.get(Organization, town_world.organization_id)


@pytest.fixture
def director(db_session, town_world):
    return db_session.get(User, town_world.director_id)


@pytest.fixture
def headers(director):
    return auth_headers(director)


@pytest.fixture
def town(town_world) -> Town:
    return town_world.town


def build_town(org) -> Town:
    """The town in ``org``: houses with one household and one Democrat each, its streets
    and two precincts (flushed, not committed)."""
    houses = rowhouses(COLUMNS, ROWS)
    lonlat = PROJECTION.inverse(houses)
    # Bulk inserts (one statement per table): the town is built once per module, in ~0.3 s.
    points = [f"SRID=4326;POINT({float(lon)} {float(lat)})" for lon, lat in lonlat]
    address_ids = _insert(
        Address,
        [
            dict(organization_id=org.id, house_number=str(100 + n), street="GRID ST",
                 city="PHILADELPHIA", state="PA", zip="19104", point=point, geocode_source="file")
            for n, point in enumerate(points)
        ],
    )  # fmt: skip
    household_ids = _insert(
        Household, [dict(organization_id=org.id, address_id=a, unit="") for a in address_ids]
    )
    person_ids = _insert(
        Person,
        [
            dict(organization_id=org.id, household_id=h, source=PersonSource.VOTER_FILE,
                 first_name=f"Pat{n}", last_name="Voter", party="D", location=point)
            for n, (h, point) in enumerate(zip(household_ids, points, strict=True))
        ],
    )  # fmt: skip
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


def _insert(model, rows: list[dict]) -> list[int]:
    """Insert ``rows`` in one statement; their ids in the rows' order."""
    statement = sa.insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))


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
