"""Notes about a place in a building: about the whole building (every home in it shows it) or
about the one home it was made at (a dog behind 1B's door is not at 1A's); a phone that sends
no scope means the building, as before; replaying a batch adds no note twice."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.actor import Actor
from app.extensions import db
from app.knocks.models import PlaceNote
from app.universes.queries import Search
from app.walklists.operations import create_near_list
from tests.canvass.conftest import knock, sync
from tests.factories import create_household, create_person

LON, LAT = -75.19, 39.95


def building_list(org, canvasser) -> tuple[int, dict[str, int]]:
    homes = {u: create_household(org, house_number="40", street="PINE ST", unit=u,
                                 lon=LON, lat=LAT) for u in ("1A", "1B", "2A")}  # fmt: skip
    for home in homes.values():
        create_person(org, household=home)
    db.session.flush()
    walk_list = create_near_list(Actor.system(org.id, "test"), LON, LAT, 1, Search(org.id, {}),
                                 assignee_ids=[canvasser.id])  # fmt: skip
    return walk_list.id, {u: h.id for u, h in homes.items()}


def notes_by_unit(client, phone, list_id) -> dict[str, list[tuple[str, str]]]:
    detail = client.get(f"/api/v1/walk-lists/{list_id}", headers=phone).get_json()
    return {s["unit"]: [(n["kind"], n["scope"]) for n in s["place_notes"]] for s in detail["stops"]}


def test_a_note_belongs_to_the_building_or_to_one_home(client, org, canvasser, phone):
    list_id, homes = building_list(org, canvasser)
    detail = client.get(f"/api/v1/walk-lists/{list_id}", headers=phone).get_json()
    stop = {s["unit"]: n for n, s in enumerate(detail["stops"])}
    dog = knock(detail, stop["1B"], result="not_home",
                place_notes=[{"kind": "dog", "scope": "home"}])  # fmt: skip
    gated = knock(detail, stop["2A"], result="not_home", place_notes=[{"kind": "gated"}])
    assert sync(client, phone, dog, gated)["applied"] == 2
    assert notes_by_unit(client, phone, list_id) == {
        "1A": [("gated", "building")],
        "1B": [("gated", "building"), ("dog", "home")],
        "2A": [("gated", "building")],
    }
    rows = db.session.execute(select(PlaceNote.kind, PlaceNote.household_id)).all()
    assert sorted((k.value, h) for k, h in rows) == [("dog", homes["1B"]), ("gated", None)]

    # The same batch again (a lost answer, two tabs): no second note.
    body = sync(client, phone, dog, gated)
    assert [r["status"] for r in body["results"]] == ["duplicate", "duplicate"]
    assert db.session.scalar(select(func.count()).select_from(PlaceNote)) == 2


def test_a_scope_the_server_does_not_know_is_refused_with_its_field(client, org, canvasser, phone):
    list_id, _ = building_list(org, canvasser)
    detail = client.get(f"/api/v1/walk-lists/{list_id}", headers=phone).get_json()
    body = sync(client, phone, knock(detail, 0, place_notes=[{"kind": "dog", "scope": "street"}]))
    [result] = body["results"]
    assert result["status"] == "rejected" and "place_notes" in str(result["fields"])
