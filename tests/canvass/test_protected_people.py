"""A person flagged confidential, deceased or do-not-contact after a walk list was made leaves
it at once, everywhere it is read: the list (and the phone's refresh), its CSV, XLSX and PDF
sheets, a sync naming them, the VAN export, their housemates' profile."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.people.models import Interaction, InteractionKind, Person
from app.turfs.models import TurfDoor
from app.voters.models import Household
from app.walklists import sheets
from tests.canvass.conftest import knock, sync
from tests.canvass.test_van_export import map_to_van
from tests.factories import create_person


@pytest.fixture
def home(client, org, cut, canvasser, headers):
    """A list whose first home has two people (the one to protect first), and the list."""
    turf_id = cut["turf_ids"][0]
    household = db.session.scalar(
        select(Household)
        .where(Household.address_id.in_(select(TurfDoor.address_id).filter_by(turf_id=turf_id)))
        .order_by(Household.id)
        .limit(1)
    )
    housemate = create_person(org, household=household, party="D", first_name="Housemate")
    response = client.post("/api/v1/walk-lists", headers=headers,
                           json={"turf_id": turf_id, "assignee_ids": [canvasser.id]})  # fmt: skip
    assert response.status_code == 201, response.get_json()
    walk_list = response.get_json()
    stop = next(s for s in walk_list["stops"] if s["household_id"] == household.id)
    protected = next(p["person_id"] for p in stop["people"] if p["person_id"] != housemate.id)
    alone = next(s for s in walk_list["stops"] if len(s["people"]) == 1)
    return {
        "list": walk_list,
        "household_id": household.id,
        "protected": db.session.get(Person, protected),
        "housemate": housemate,
        "alone": alone,
        "alone_person": db.session.get(Person, alone["people"][0]["person_id"]),
    }


def _stop_index(walk_list: dict, household_id: int) -> int:
    return next(n for n, s in enumerate(walk_list["stops"]) if s["household_id"] == household_id)


def _people_on(body: dict) -> set[int]:
    return {p["person_id"] for s in body["stops"] for p in s["people"]}


@pytest.mark.parametrize("flag", ["confidential", "is_deceased", "do_not_contact"])
def test_the_list_and_its_sheets_forget_a_protected_person_at_once(
    client, headers, phone, home, flag, monkeypatch
):
    walk_list, protected, housemate = home["list"], home["protected"], home["housemate"]
    setattr(protected, flag, True)
    setattr(home["alone_person"], flag, True)
    db.session.flush()

    base = f"/api/v1/walk-lists/{walk_list['id']}"
    for auth in (headers, phone):  # the console, and the phone's next refresh
        body = client.get(base, headers=auth).get_json()
        assert protected.id not in _people_on(body)
        assert housemate.id in _people_on(body)  # the household still shows the others
        # A home with nobody left to knock for leaves the list.
        assert home["alone"]["household_id"] not in {s["household_id"] for s in body["stops"]}

    names = (protected.first_name, home["alone_person"].first_name)
    csv_text = client.get(f"{base}/sheet?format=csv", headers=headers).get_data(as_text=True)
    assert housemate.first_name in csv_text
    assert not any(name in csv_text for name in names)
    book = load_workbook(io.BytesIO(client.get(f"{base}/sheet?format=xlsx", headers=headers).data))
    cells = {str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None}
    assert not any(name in cell for cell in cells for name in names)
    assert any(housemate.first_name in cell for cell in cells)

    printed = []
    real_pdf = sheets.to_pdf
    monkeypatch.setattr(sheets, "to_pdf", lambda summary, stops, **kw: (
        printed.append(stops), real_pdf(summary, stops, **kw))[1])  # fmt: skip
    assert client.get(f"{base}/sheet", headers=headers).data.startswith(b"%PDF")
    assert protected.id not in {p["person_id"] for s in printed[0] for p in s["people"]}


def test_a_knock_for_a_protected_person_is_refused_with_its_own_reason(
    client, headers, phone, home
):
    walk_list, protected, housemate = home["list"], home["protected"], home["housemate"]
    at_home = _stop_index(walk_list, home["household_id"])
    alone_at = _stop_index(walk_list, home["alone"]["household_id"])
    protected.confidential = True
    home["alone_person"].is_deceased = True
    db.session.flush()

    body = sync(
        client, phone,
        knock(walk_list, at_home, people=[{"person_id": protected.id, "result": "not_home"}]),
        knock(walk_list, alone_at, result="not_home"),
        knock(walk_list, at_home, result="not_home"),  # the door: counts for the housemate
    )  # fmt: skip
    assert [(r["status"], r.get("code")) for r in body["results"]] == [
        ("rejected", "person_protected"),
        ("rejected", "person_protected"),
        ("applied", None),
    ]
    knocked = set(
        db.session.scalars(
            select(Interaction.person_id).where(Interaction.kind == InteractionKind.DOOR_KNOCK)
        )
    )
    assert knocked == {housemate.id}


def test_the_van_export_leaves_a_protected_persons_knocks_out(client, org, headers, phone, home):
    walk_list, protected, housemate = home["list"], home["protected"], home["housemate"]
    map_to_van(client, headers, org)
    codes = client.get("/api/v1/canvass/result-codes", headers=headers).get_json()
    hostile = next(c["id"] for c in codes if c["code"] == "hostile")
    client.patch(f"/api/v1/canvass/result-codes/{hostile}", json={"van_result_id": 7},
                 headers=headers)  # fmt: skip
    protected.custom_fields = {"van_id": "555"}
    housemate.custom_fields = {"van_id": "556"}
    db.session.flush()
    at_home = _stop_index(walk_list, home["household_id"])
    sync(client, phone, knock(walk_list, at_home, people=[
        {"person_id": protected.id, "result": "not_home"},
        {"person_id": housemate.id, "result": "hostile"}]))  # fmt: skip
    assert db.session.get(Person, housemate.id).do_not_contact  # hostile made them so

    protected.confidential = True
    db.session.flush()
    exported = client.get("/api/v1/canvass/exports/van", headers=headers).get_json()
    assert [i["person_id"] for i in exported["items"]] == [housemate.id]  # VAN hears "hostile"
    assert {(s["person_id"], s["reason"]) for s in exported["skipped"]} == {
        (protected.id, "person_protected")
    }
    csv_text = client.get("/api/v1/canvass/exports/van?format=csv", headers=headers).get_data(
        as_text=True
    )
    assert "555" not in csv_text and "556" in csv_text


def test_housemates_do_not_show_a_protected_person(client, headers, home):
    home["protected"].confidential = True
    db.session.flush()
    profile = client.get(f"/api/v1/people/{home['housemate'].id}", headers=headers).get_json()
    assert profile["household_members"] == []
