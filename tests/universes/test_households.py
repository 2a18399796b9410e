"""Household modes: every target, one per door, or whole doors with the targets marked."""

from __future__ import annotations

import pytest

from app.core.actor import Actor
from app.extensions import db
from app.people.models import Person
from app.universes.models import HouseholdMode
from app.universes.operations import create_universe
from app.universes.queries import Search, export_rows
from tests.factories import auth_headers, create_household, create_person
from tests.universes.factories import create_contact

DEMS = {"party": ["D"]}


@pytest.fixture
def street(org):
    """A house of four (two Democrats, one Republican, one deceased), two flats in one
    building (one Democrat), a Republican house, and a Democrat with no address."""
    house = create_household(org, house_number="100", street="MAIN ST")
    flat_a = create_household(org, house_number="200", street="MARKET ST", unit="1A")
    flat_b = create_household(org, house_number="200", street="MARKET ST", unit="1B")
    other_house = create_household(org, house_number="300", street="MAIN ST")
    people = {
        "ann": create_person(org, household=house, first_name="Ann", party="D"),
        "bob": create_person(org, household=house, first_name="Bob", party="D"),
        "cy": create_person(org, household=house, first_name="Cy", party="R"),
        "dee": create_person(org, household=house, first_name="Dee", party="R", is_deceased=True),
        "flat_dem": create_person(org, household=flat_a, first_name="Eve", party="D"),
        "flat_rep": create_person(org, household=flat_b, first_name="Fay", party="R"),
        "neighbour": create_person(org, household=other_house, first_name="Gus", party="R"),
        "homeless": create_person(org, location=None, first_name="Hal", party="D"),
    }
    return {name: person.id for name, person in people.items()}


def test_person_mode_lists_every_target(matching, count, street):
    expected = {street[name] for name in ("ann", "bob", "flat_dem", "homeless")}
    assert matching(DEMS) == expected
    assert count(DEMS) == {"people": 4, "households": 2, "targets": 4}


def test_one_per_household_picks_the_first_target_of_each_door(matching, count, street):
    # A person without a household is a door of their own; doors count households only.
    expected = {street["ann"], street["flat_dem"], street["homeless"]}
    assert matching(DEMS, HouseholdMode.ONE_PER_HOUSEHOLD) == expected
    assert matching(DEMS, HouseholdMode.ONE_PER_HOUSEHOLD) == expected  # same pick every run
    assert count(DEMS, "one_per_household") == {"people": 3, "households": 2, "targets": 4}


def test_whole_household_adds_the_rest_of_each_door(matching, count, street):
    # Not the deceased housemate (suppressed), not the other flat of the building.
    expected = {street[name] for name in ("ann", "bob", "cy", "flat_dem", "homeless")}
    assert matching(DEMS, HouseholdMode.WHOLE_HOUSEHOLD) == expected
    assert count(DEMS, "whole_household") == {"people": 5, "households": 2, "targets": 4}
    with_suppressed = {**DEMS, "include_suppressed": True}
    assert street["dee"] in matching(with_suppressed, HouseholdMode.WHOLE_HOUSEHOLD)


def test_people_page_marks_targets_in_walking_order(client, director, street):
    universe = create_universe(
        Actor.of(director),
        name="Dem doors",
        filter=DEMS,
        household_mode=HouseholdMode.WHOLE_HOUSEHOLD,
    )
    response = client.get(f"/api/v1/universes/{universe.id}/people", headers=auth_headers(director))
    assert response.status_code == 200, response.get_json()
    page = response.get_json()
    assert page["total"] == 5
    rows = [(p["first_name"], p["address"], p["unit"], p["is_target"]) for p in page["items"]]
    assert rows == [
        ("Ann", "100 MAIN ST", "", True),
        ("Bob", "100 MAIN ST", "", True),
        ("Cy", "100 MAIN ST", "", False),
        ("Eve", "200 MARKET ST", "1A", True),
        ("Hal", None, None, True),
    ]
    assert page["items"][0]["party"] == "D"


def test_people_page_sorts_and_paginates(client, director, street):
    universe = create_universe(Actor.of(director), name="Everyone", filter={})
    response = client.get(
        f"/api/v1/universes/{universe.id}/people?sort=-first_name&per_page=2&page=2",
        headers=auth_headers(director),
    )
    page = response.get_json()
    assert [p["first_name"] for p in page["items"]] == ["Fay", "Eve"]
    assert (page["total"], page["pages"]) == (7, 4)
    bad = client.get(
        f"/api/v1/universes/{universe.id}/people?sort=shoe_size", headers=auth_headers(director)
    )
    assert bad.status_code == 422


def test_modes_correlate_filters_over_other_tables(org, matching, count, street):
    # A contact filter is an EXISTS on interactions: it must follow each mode's people row.
    create_contact(db.session.get(Person, street["bob"]))
    knocked = {"contact": {"status": "knocked"}}
    assert matching(knocked) == {street["bob"]}
    assert matching(knocked, HouseholdMode.ONE_PER_HOUSEHOLD) == {street["bob"]}
    house = {street[name] for name in ("ann", "bob", "cy")}
    assert matching(knocked, HouseholdMode.WHOLE_HOUSEHOLD) == house
    assert count(knocked, "whole_household") == {"people": 3, "households": 1, "targets": 1}
    rows = export_rows(Search(org.id, knocked, HouseholdMode.WHOLE_HOUSEHOLD))
    assert {row.id: row.is_target for row in rows} == {
        street["ann"]: False,
        street["bob"]: True,
        street["cy"]: False,
    }
