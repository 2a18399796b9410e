"""Counting from the targeting sets gives exactly what people's SQL gives, or steps aside.

A committed town (the sets are built from committed rows, in a connection of their own) with
the cases that break counts: households of one to twenty people, people without a household,
confidential, merged, deceased, moved and do-not-contact people, odd birth years, tags, areas,
two methods in one election, and a second campaign beside it. Every filter of the grid is
counted both ways in every household mode.
"""

from __future__ import annotations

import random
from datetime import date

import pytest
from shapely.geometry import Point
from sqlalchemy import text

from app.accounts.models import Organization
from app.areas.models import Area
from app.core.geo import to_db
from app.extensions import db
from app.people.models import Person
from app.universes import targeting, targeting_build
from app.universes.filters import FilterContext
from app.universes.models import HouseholdMode
from app.universes.queries import Search, count_people, count_search
from app.universes.schemas import UniverseFilterSchema
from app.universes.targeting import count_targeted
from app.universes.targeting_build import (
    build_targeting,
    rebuild_stale_targeting,
    stale_campaigns,
)
from tests.factories import create_household, create_organization, create_person
from tests.universes.factories import create_election

THIS_YEAR = date.today().year
WEST, SOUTH = -75.20, 39.94  # the town is 0.02 degrees square: 20 by 20 grid cells
PARTIES = ["D", "D", "D", "R", "R", "NF", "L", None]
TAGS = ["volunteer", "yard sign", "donor prospect"]
METHOD_CODES = (0, 1, 2)  # polls, absentee, mail


def _make_town(seed: int = 21) -> dict:
    rng = random.Random(seed)
    org = create_organization()
    areas = [Area(organization_id=org.id, kind="ward", code=c) for c in ("1", "2", "3")]
    db.session.add_all(areas)
    db.session.flush()
    elections = [create_election(org, held_on=date(2018 + 2 * i, 11, 5)).id for i in range(5)]
    sizes = [1] * 40 + [2] * 20 + [3] * 10 + [4, 5, 7, 12, 20]
    people = []
    for n, size in enumerate(sizes):
        lon, lat = WEST + rng.random() * 0.02, SOUTH + rng.random() * 0.02
        household = create_household(org, house_number=str(100 + n), street="ELM ST",
                                     lon=lon, lat=lat)  # fmt: skip
        home_areas = rng.sample([a.id for a in areas], rng.randint(0, 2))
        for _ in range(size):
            people.append(_person(org, rng, elections, household=household, areas=home_areas))
    for _ in range(15):  # no household: each a door of their own
        people.append(_person(org, rng, elections, household=None, areas=[]))
    # Merged-away duplicates point at a survivor and are never counted.
    for duplicate in rng.sample(people, 4):
        duplicate.merged_into_id = people[0].id
    other = create_organization()
    for _ in range(10):
        _person(other, rng, [], household=None, areas=[])
    db.session.flush()
    return {"org": org.id, "other": other.id, "elections": elections,
            "areas": [a.id for a in areas]}  # fmt: skip


def _person(org, rng, elections, *, household, areas) -> Person:
    codes = sorted(
        {e * 8 + rng.choice(METHOD_CODES) for e in elections if rng.random() < 0.55}
        | ({elections[0] * 8 + 1, elections[0] * 8 + 2} if elections and rng.random() < 0.1
           else set())
    )  # fmt: skip
    fields = {
        "party": rng.choice(PARTIES),
        "gender": rng.choice(["F", "M", "X", None]),
        "registration_status": rng.choice(["A", "A", "A", "I", None]),
        "birth_year": rng.choice([None, 1020, *range(1935, 2009)]),
        "confidential": rng.random() < 0.05,
        "is_deceased": rng.random() < 0.05,
        "has_moved": rng.random() < 0.05,
        "do_not_contact": rng.random() < 0.05,
        "tags": rng.sample(TAGS, rng.randint(0, 2)),
        "vote_codes": codes,
    }
    if household is not None:
        fields["area_ids"] = areas
        where = rng.random()
        if where < 0.04:  # lives elsewhere than the door's point: a stray
            fields["location"] = to_db(
                Point(WEST + rng.random() * 0.02, SOUTH + rng.random() * 0.02)
            )
        elif where < 0.06:
            fields["location"] = None
    elif rng.random() < 0.5:
        fields["location"] = to_db(Point(WEST + rng.random() * 0.02, SOUTH + rng.random() * 0.02))
    return create_person(org, household=household, **fields)


@pytest.fixture(scope="module")
def town(app, committed_world):
    made = committed_world(_make_town)
    with app.app_context():
        build_targeting(made["org"])
        build_targeting(made["other"])
    return made


def _grid(town) -> list[dict]:
    last4 = town["elections"][-4:]
    first = town["elections"][0]
    ward1, ward2, _ = town["areas"]
    return [
        {},
        {"party": ["D"]},
        {"party": ["D", "NF"], "gender": ["F"]},
        {"registration_status": ["A"], "party": ["R", "L"]},
        {"age": {"min": 18, "max": 35}},
        {"age": {"min": 65}},
        {"birth_year": {"max": 1950}},
        {"birth_year": {"min": 1990, "max": 2000}, "party": ["D"]},
        {"areas": [ward1]},
        {"areas": [ward1, ward2], "party": ["D"]},
        {"tags": {"any": ["volunteer", "yard sign"]}},
        {"tags": {"all": ["volunteer", "yard sign"]}},
        {"tags": {"none": ["volunteer"]}, "party": ["D"]},
        {"vote_history": {"elections": last4}},
        {"vote_history": {"elections": last4, "min": 3}},
        {"vote_history": {"elections": last4, "max": 0}},
        {"vote_history": {"elections": last4, "min": 1, "max": 2}},
        {"vote_history": {"elections": [first], "max": 1}},  # two methods in one: 2 codes
        {"vote_history": {"elections": [first, *last4], "methods": ["mail"], "min": 2}},
        {"vote_history": {"elections": [999_999], "min": 1}},  # no such election
        {"include_suppressed": True},
        {"include_suppressed": True, "party": ["D"], "age": {"max": 40}},
        {
            "party": ["D", "NF"],
            "age": {"min": 18, "max": 35},
            "vote_history": {"elections": last4, "min": 1},
        },
        {"party": ["Q"]},  # nobody
        {"polygon": _box(0.002, 0.002, 0.015, 0.012)},
        {"polygon": _box(0.0, 0.0, 0.02, 0.02), "party": ["D"], "age": {"min": 30}},
        {"polygon": _box(0.0052, 0.0071, 0.0057, 0.0076)},  # within one cell
        {"polygon": {"type": "Polygon", "coordinates": [  # a triangle with a hole
            [[WEST, SOUTH], [WEST + 0.02, SOUTH], [WEST + 0.01, SOUTH + 0.02], [WEST, SOUTH]],
            [[WEST + 0.008, SOUTH + 0.004], [WEST + 0.012, SOUTH + 0.004],
             [WEST + 0.01, SOUTH + 0.008], [WEST + 0.008, SOUTH + 0.004]]]},
         "vote_history": {"elections": last4, "min": 2}},
    ]  # fmt: skip


def _box(west: float, south: float, east: float, north: float) -> dict:
    corners = [
        (WEST + west, SOUTH + south),
        (WEST + east, SOUTH + south),
        (WEST + east, SOUTH + north),
        (WEST + west, SOUTH + north),
    ]
    return {"type": "Polygon", "coordinates": [[*map(list, corners), list(corners[0])]]}


def _both_ways(org: int, spec: dict, mode: HouseholdMode):
    search = Search(org, UniverseFilterSchema().load(spec), mode)
    fast = count_targeted(org, search.filter, mode, FilterContext(search.now))
    return fast, count_people(search)


@pytest.mark.parametrize("mode", list(HouseholdMode))
def test_the_sets_count_every_filter_of_the_grid_as_people_sql_does(
    db_session, town, mode, monkeypatch
):
    # The town's polygons are small: counted from the sets all the same.
    monkeypatch.setattr(targeting, "MIN_POLYGON_CELLS", 0)
    for spec in _grid(town):
        fast, rows = _both_ways(town["org"], spec, mode)
        assert fast is not None, spec
        assert fast == rows, spec


def test_the_grid_is_not_trivial(db_session, town):
    rows = count_people(Search(town["org"], {}))
    assert rows["people"] > 100 and rows["households"] > 50
    everyone = db.session.scalar(
        text("SELECT count(*) FROM people WHERE organization_id = :o"), {"o": town["org"]}
    )
    assert everyone > rows["people"]  # some were confidential, merged or suppressed


def test_another_campaign_is_counted_from_its_own_sets(db_session, town):
    fast, rows = _both_ways(town["other"], {}, HouseholdMode.PERSON)
    assert fast == rows
    assert fast["people"] <= 10


@pytest.mark.parametrize(
    "spec",
    [
        {"polygon": _box(0.002, 0.002, 0.015, 0.012)},  # few cells: people's SQL is faster
        {"polygon": {"type": "Polygon",  # too many cells for the sets
                     "coordinates": [[[-77, 39], [-74, 39], [-74, 41], [-77, 41], [-77, 39]]]}},
        {"precinct_codes": ["001"]},
        {"contact": {"status": "not_contacted"}},
        {"calls": {"max": 0}},
        {"survey": [{"question": "support", "answers": ["1"]}]},
        {"donor": {"is_donor": True}},
        {"email_engagement": {"event": "clicked", "last": 1}},
        {"vote_history": {"elections": [1], "ballot_party": "D"}},
    ],
    ids=lambda spec: next(iter(spec)),
)  # fmt: skip
def test_keys_the_sets_lack_are_counted_over_people(db_session, town, spec):
    search = Search(town["org"], spec, HouseholdMode.PERSON)
    assert (
        count_targeted(town["org"], spec, HouseholdMode.PERSON, FilterContext(search.now)) is None
    )
    assert count_search(search) == count_people(search)


def test_a_visible_change_sends_counts_to_people_until_the_next_build(app, db_session, town):
    spec = {"party": ["D"]}
    before = count_search(Search(town["org"], spec))
    person = db.session.scalar(
        db.select(Person).where(Person.organization_id == town["org"], Person.party == "R",
                                Person.merged_into_id.is_(None), Person.confidential.is_(False))
    )  # fmt: skip
    person.party = "D"
    db.session.flush()  # this transaction sees the change (and its log row); the sets do not
    fast, rows = _both_ways(town["org"], spec, HouseholdMode.PERSON)
    assert fast is None
    assert count_search(Search(town["org"], spec)) == rows
    assert rows["targets"] == before["targets"] + (not person.is_deceased and not person.has_moved
                                                   and not person.do_not_contact)  # fmt: skip


def test_any_update_of_people_is_logged_however_small(db_session, town):
    """The trigger does not compare old and new rows (that join cost imports seconds): a new
    name also sends counts to people's rows until the next build, exact all the same."""
    person = db.session.scalar(db.select(Person).where(Person.organization_id == town["org"]))
    person.first_name = "Renamed"
    db.session.flush()
    assert town["org"] in stale_campaigns()
    fast, rows = _both_ways(town["org"], {"party": ["D"]}, HouseholdMode.PERSON)
    assert fast is None and rows["people"] > 0


def test_an_insert_is_logged_for_its_campaign_only(db_session, town):
    create_person(db.session.get(Organization, town["other"]), party="D")
    assert stale_campaigns() == [town["other"]]
    assert _both_ways(town["other"], {}, HouseholdMode.PERSON)[0] is None
    assert _both_ways(town["org"], {}, HouseholdMode.PERSON)[0] is not None


def test_the_worker_rebuilds_a_campaign_with_committed_changes(
    app, committed_world, town, monkeypatch
):
    org = committed_world(lambda: _make_town(seed=7)["org"])
    with app.app_context():
        build_targeting(org)

    def change():
        db.session.execute(
            text("UPDATE people SET is_deceased = true WHERE organization_id = :o AND id IN"
                 " (SELECT id FROM people WHERE organization_id = :o ORDER BY id LIMIT 20)"),
            {"o": org},
        )  # fmt: skip

    committed_world(change)
    monkeypatch.setattr(targeting_build, "REBUILD_PAUSE", 0)  # the last build was just now
    with app.app_context():
        assert org in stale_campaigns()
        assert rebuild_stale_targeting() >= 1  # as the worker's idle loop does
        assert org not in stale_campaigns()
        for spec in ({}, {"party": ["D"]}, {"include_suppressed": True}):
            fast, rows = _both_ways(org, spec, HouseholdMode.WHOLE_HOUSEHOLD)
            assert fast == rows
        db.session.remove()
