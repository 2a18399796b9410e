"""Each key of the filter language, on real PostGIS."""

from __future__ import annotations

from datetime import date

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import shape as shapely_shape
from sqlalchemy import func, insert, select

from app.areas.models import Area
from app.extensions import db
from app.people.grid import cover
from app.people.models import InteractionKind, Person
from app.universes.filters import SWITCHES, compiled_keys
from app.universes.schemas import UniverseFilterSchema
from app.voters.models import VOTE_METHOD_CODES, VoteMethod
from tests.factories import create_household, create_person
from tests.universes.factories import (
    create_contact,
    create_election,
    create_registration,
    create_vote,
)

THIS_YEAR = date.today().year


def vote_code(election, method: VoteMethod) -> int:
    return election.id * 8 + VOTE_METHOD_CODES[method]


def test_every_filter_key_compiles_to_sql_or_is_a_switch():
    assert set(UniverseFilterSchema().fields) == compiled_keys() | SWITCHES


def test_an_empty_filter_is_everyone_listable(org, matching):
    people = {create_person(org).id for _ in range(3)}
    assert matching({}) == people


@pytest.mark.parametrize(
    ("column", "present", "wanted"),
    [
        ("party", ["D", "NF", "R"], ["D", "NF"]),
        ("gender", ["F", "M", "X"], ["F"]),
        ("registration_status", ["A", "I"], ["A"]),
    ],
)
def test_code_lists(org, matching, column, present, wanted):
    people = {value: create_person(org, **{column: value}).id for value in present}
    create_person(org)  # no value at all: never matches a list
    assert matching({column: wanted}) == {people[value] for value in wanted}


def test_age_counts_from_the_birth_year(org, matching):
    ages = {age: create_person(org, birth_year=THIS_YEAR - age).id for age in (17, 18, 35, 36)}
    create_person(org, birth_year=None)
    assert matching({"age": {"min": 18, "max": 35}}) == {ages[18], ages[35]}
    assert matching({"age": {"min": 36}}) == {ages[36]}
    assert matching({"age": {"max": 17}}) == {ages[17]}


def test_birth_year(org, matching):
    years = {year: create_person(org, birth_year=year).id for year in (1960, 1970, 1980)}
    assert matching({"birth_year": {"min": 1965, "max": 1980}}) == {years[1970], years[1980]}


def test_areas_match_any_of_the_ids(org, matching):
    north, south, east = (
        Area(organization_id=org.id, kind="ward", code=code) for code in ("N", "S", "E")
    )
    db.session.add_all([north, south, east])
    db.session.flush()
    in_north = create_person(org, area_ids=[north.id, east.id]).id
    in_south = create_person(org, area_ids=[south.id]).id
    create_person(org, area_ids=[east.id])
    assert matching({"areas": [north.id, south.id]}) == {in_north, in_south}


def test_precinct_codes_are_the_registrars_on_a_current_registration(org, matching):
    voter = create_person(org)
    create_registration(voter, precinct_code="2701")
    moved_away = create_person(org)
    create_registration(moved_away, precinct_code="2701", on_file=False)
    elsewhere = create_person(org)
    create_registration(elsewhere, precinct_code="2702")
    assert matching({"precinct_codes": ["2701"]}) == {voter.id}


def test_polygon_selects_people_whose_point_is_inside(org, matching):
    inside = create_person(org, household=create_household(org, lon=-75.19, lat=39.95)).id
    create_person(org, household=create_household(org, house_number="9", lon=-75.0, lat=40.1))
    create_person(org, location=None)  # not geocoded: never inside a drawn polygon
    square = [[-75.2, 39.94], [-75.18, 39.94], [-75.18, 39.96], [-75.2, 39.96], [-75.2, 39.94]]
    assert matching({"polygon": {"type": "Polygon", "coordinates": [square]}}) == {inside}
    multi = {"type": "MultiPolygon", "coordinates": [[square]]}
    assert matching({"polygon": multi}) == {inside}


# A ward-sized (and smaller, and larger) set of shapes: the cell path (app.people.grid) must
# find exactly the people a point-in-polygon test finds, edges and holes included.
WARD = [[-75.2, 39.94], [-75.185, 39.943], [-75.18, 39.96], [-75.195, 39.955], [-75.2, 39.94]]
HOLE = [
    [-75.192, 39.948],
    [-75.188, 39.948],
    [-75.188, 39.952],
    [-75.192, 39.952],
    [-75.192, 39.948],
]
POLYGONS = {
    "ward": {"type": "Polygon", "coordinates": [WARD]},
    "ward with a hole": {"type": "Polygon", "coordinates": [WARD, HOLE]},
    "multipart": {
        "type": "MultiPolygon",
        "coordinates": [
            [WARD],
            [[[-75.17, 39.94], [-75.165, 39.94], [-75.165, 39.945], [-75.17, 39.94]]],
        ],
    },
    "smaller than a cell": {
        "type": "Polygon",
        "coordinates": [
            [[-75.1901, 39.9501], [-75.1899, 39.9501], [-75.19, 39.9503], [-75.1901, 39.9501]]
        ],
    },
    "past the cell limit": {
        "type": "Polygon",
        "coordinates": [[[-75.3, 39.9], [-75.0, 39.9], [-75.0, 40.1], [-75.3, 39.9]]],
    },
}


@pytest.mark.parametrize("name", POLYGONS)
def test_polygon_finds_whom_the_point_test_finds(org, matching, name):
    polygon = POLYGONS[name]
    # A lattice over the shapes at three quarters of a cell (so points fall on cell edges too),
    # the ward's own vertices, a point in the smallest shape, and someone with no point.
    points = [(-75.205 + i * 0.00075, 39.937 + j * 0.00075) for i in range(57) for j in range(34)]
    points += [tuple(vertex) for vertex in WARD] + [(-75.19, 39.9502)]
    rows = [
        {"organization_id": org.id, "last_name": "Lattice", "location": f"SRID=4326;POINT({x} {y})"}
        for x, y in points
    ]
    ids = list(db.session.scalars(insert(Person).returning(Person.id), rows))
    create_person(org, location=None)
    shape = from_shape(shapely_shape(polygon), srid=4326)
    expected = set(
        db.session.scalars(
            select(Person.id).where(Person.id.in_(ids), func.ST_Intersects(Person.location, shape))
        )
    )
    assert expected
    assert matching({"polygon": polygon}) == expected
    cells = cover(shapely_shape(polygon))  # which path the filter took
    assert bool(cells and cells.inside) == (name in {"ward", "ward with a hole", "multipart"})


def test_vote_history_counts_elections_voted_in(org, matching):
    e1, e2, e3, e4 = (create_election(org) for _ in range(4))
    elections = [e1.id, e2.id, e3.id, e4.id]
    polls, mail = VoteMethod.POLLS, VoteMethod.MAIL
    never = create_person(org).id
    once = create_person(org, vote_codes=[vote_code(e1, mail)]).id
    thrice = create_person(
        org, vote_codes=[vote_code(e1, polls), vote_code(e2, polls), vote_code(e3, mail)]
    ).id
    other = create_election(org)
    elsewhere = create_person(org, vote_codes=[vote_code(other, polls)]).id

    def voted(**spec):
        return matching({"vote_history": {"elections": elections, **spec}})

    assert voted() == {once, thrice}
    assert voted(min=2) == {thrice}
    assert voted(methods=["mail"]) == {once, thrice}
    assert voted(methods=["mail"], min=2) == set()
    assert voted(max=1) == {never, once, elsewhere}
    assert voted(min=0, max=0) == {never, elsewhere}


def test_vote_history_ballot_party_counts_party_ballots(org, matching):
    primary, second = create_election(org, kind="primary"), create_election(org, kind="primary")
    dem = create_person(org, vote_codes=[vote_code(primary, VoteMethod.POLLS)])
    create_vote(create_registration(dem), primary, ballot_party="D")
    rep = create_person(org, vote_codes=[vote_code(primary, VoteMethod.POLLS)])
    create_vote(create_registration(rep), primary, ballot_party="R")
    both = create_person(
        org, vote_codes=[vote_code(primary, VoteMethod.MAIL), vote_code(second, VoteMethod.MAIL)]
    )
    registration = create_registration(both)
    create_vote(registration, primary, method="mail", ballot_party="D")
    create_vote(registration, second, method="mail", ballot_party="D")

    spec = {"elections": [primary.id, second.id], "ballot_party": "D"}
    assert matching({"vote_history": spec}) == {dem.id, both.id}
    assert matching({"vote_history": {**spec, "min": 2}}) == {both.id}
    assert matching({"vote_history": {**spec, "methods": ["polls"]}}) == {dem.id}


def test_tags_any_all_none(org, matching):
    volunteer = create_person(org, tags=["volunteer", "yard sign"]).id
    sign_only = create_person(org, tags=["yard sign"]).id
    hostile = create_person(org, tags=["yard sign", "hostile"]).id
    create_person(org)
    assert matching({"tags": {"any": ["volunteer", "hostile"]}}) == {volunteer, hostile}
    assert matching({"tags": {"all": ["volunteer", "yard sign"]}}) == {volunteer}
    assert matching({"tags": {"any": ["yard sign"], "none": ["hostile"]}}) == {
        volunteer,
        sign_only,
    }


def test_contact_history(org, matching):
    knocked = create_person(org)
    create_contact(knocked, days_ago=3, result="not_home")
    called = create_person(org)
    create_contact(called, kind=InteractionKind.CALL, days_ago=3, result="canvassed")
    long_ago = create_person(org)
    create_contact(long_ago, days_ago=40, result="canvassed")
    noted = create_person(org)
    create_contact(noted, kind=InteractionKind.NOTE, days_ago=1)
    fresh = create_person(org)

    within = {"within_days": 14}
    assert matching({"contact": {**within, "status": "contacted"}}) == {knocked.id, called.id}
    assert matching({"contact": {**within, "status": "knocked"}}) == {knocked.id}
    assert matching({"contact": {**within, "status": "not_contacted"}}) == {
        long_ago.id,
        noted.id,
        fresh.id,
    }
    assert matching({"contact": {"status": "contacted"}}) == {knocked.id, called.id, long_ago.id}
    assert matching({"contact": {**within, "last_result": ["not_home"]}}) == {knocked.id}


def test_last_result_is_the_latest_attempt(org, matching):
    reached = create_person(org)
    create_contact(reached, days_ago=5, result="not_home")
    create_contact(reached, days_ago=1, result="canvassed")
    still_out = create_person(org)
    create_contact(still_out, days_ago=1, result="not_home")
    assert matching({"contact": {"last_result": ["not_home"]}}) == {still_out.id}


@pytest.mark.parametrize("flag", ["is_deceased", "has_moved", "do_not_contact"])
def test_suppressed_people_are_left_out_unless_asked_for(org, matching, flag):
    kept = create_person(org).id
    suppressed = create_person(org, **{flag: True}).id
    assert matching({}) == {kept}
    assert matching({"include_suppressed": True}) == {kept, suppressed}
    assert matching({"include_suppressed": False}) == {kept}


def test_keys_are_anded(org, matching, count):
    household = create_household(org)
    young_dem = create_person(org, household=household, party="D", birth_year=THIS_YEAR - 25)
    create_person(org, household=household, party="D", birth_year=THIS_YEAR - 70)
    create_person(org, household=household, party="R", birth_year=THIS_YEAR - 25)
    spec = {"party": ["D"], "age": {"max": 35}}
    assert matching(spec) == {young_dem.id}
    assert count(spec) == {"people": 1, "households": 1, "targets": 1}
