"""The ``polling_place`` and ``turf_captain`` merge fields: polling places loaded per precinct
(``PUT /api/v1/polling-places``), a captain given to a turf, and an email that names both for
the voters who have them (and names them missing for those who do not)."""

from __future__ import annotations

from app.auth.permissions import Role
from app.extensions import db
from app.turfs.models import Turf, TurfDoor
from app.voters.models import Registration
from tests.factories import auth_headers, create_user

PLACES = [
    {"precinct_code": "2701", "name": "Lea School", "address": "242 S 47th St",
     "notes": "Enter on Locust St"},
    {"precinct_code": "2702", "name": "Rec Center", "address": "4600 Walnut St"},
]  # fmt: skip
BODY = ("Vote at {{ polling_place.name }}, {{ polling_place.address }}. "
        "{{ turf_captain.first_name }} leads your block.")  # fmt: skip


def put(client, headers, places, status=200, **extra):
    response = client.put("/api/v1/polling-places", json={"places": places, **extra},
                          headers=headers)  # fmt: skip
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_polling_places_are_loaded_by_precinct(client, org, headers):
    assert put(client, headers, PLACES) == {"given": 2, "removed": 0, "replace": False}
    moved = {**PLACES[0], "name": "Lea Elementary"}
    assert put(client, headers, [moved], replace=True) == {"given": 1, "removed": 1,
                                                           "replace": True}  # fmt: skip
    listed = client.get("/api/v1/polling-places", headers=headers).get_json()
    assert [(p["precinct_code"], p["name"], p["notes"]) for p in listed["items"]] == [
        ("2701", "Lea Elementary", "Enter on Locust St")
    ]
    twice = put(client, headers, [PLACES[0], PLACES[0]], status=422)["error"]
    assert twice["code"] == "precinct_twice" and "places.1.precinct_code" in twice["fields"]
    long = put(client, headers, [{**PLACES[1], "name": "x" * 201}], status=422)["error"]
    assert "places.0.name" in long["fields"]
    organizer = auth_headers(create_user(org, Role.ORGANIZER))
    assert client.get("/api/v1/polling-places", headers=organizer).status_code == 200
    assert client.put("/api/v1/polling-places", json={"places": []},
                      headers=organizer).status_code == 403  # fmt: skip


def test_an_email_names_their_polling_place_and_captain(client, org, headers, universe, people):
    put(client, headers, PLACES)
    cy = people["cy"]
    db.session.add(Registration(organization_id=org.id, person_id=cy.id, state="PA",
                                state_key="PA1", precinct_code="2701"))  # fmt: skip
    turf = Turf(organization_id=org.id, name="Walnut")
    db.session.add(turf)
    db.session.flush()
    db.session.add(TurfDoor(organization_id=org.id, turf_id=turf.id,
                            address_id=cy.household.address_id))  # fmt: skip
    captain = create_user(org, Role.CANVASSER, name="Rosa Parks-Lee")
    made = client.patch(f"/api/v1/turfs/{turf.id}", json={"captain_id": captain.id},
                        headers=headers)  # fmt: skip
    assert made.status_code == 200, made.get_json()
    assert made.get_json()["properties"]["captain"] == {"id": captain.id,
                                                        "name": "Rosa Parks-Lee"}  # fmt: skip
    stranger = client.patch(f"/api/v1/turfs/{turf.id}", json={"captain_id": 2**40},
                            headers=headers)  # fmt: skip
    assert stranger.status_code == 404 and stranger.get_json()["error"]["fields"]["captain_id"]

    body = {"name": "GOTV", "purpose": "updates", "audience_kind": "universe",
            "audience_id": universe.id, "subject": "Election day", "text_body": BODY,
            "html_body": f"<p>{BODY}</p>"}  # fmt: skip
    campaign = client.post("/api/v1/email/campaigns", json=body, headers=headers).get_json()
    preview = f"/api/v1/email/campaigns/{campaign['id']}/preview"
    shown = client.get(preview, query_string={"person_id": cy.id}, headers=headers)
    assert shown.status_code == 200, shown.get_json()
    assert "Vote at Lea School, 242 S 47th St. Rosa leads your block." in shown.get_json()["text"]
    # Ada has no precinct on file and no turf: both named missing, never "Vote at ,".
    missing = client.get(preview, query_string={"person_id": people["ada"].id}, headers=headers)
    assert missing.status_code == 422
    assert missing.get_json()["error"]["code"] == "merge_field_missing"
    # No captain any more: missing again for Cy.
    client.patch(f"/api/v1/turfs/{turf.id}", json={"captain_id": None}, headers=headers)
    again = client.get(preview, query_string={"person_id": cy.id}, headers=headers)
    assert again.status_code == 422 and "turf_captain" in again.get_json()["error"]["message"]


def test_a_text_names_their_polling_place_too(client, org, headers, people):
    """Election-day texts: the same person fields as an email (``app.texting.delivery``)."""
    from app.outreach.templates import MissingMergeField
    from app.texting.delivery import check_text_template, merge_fields, render_text

    put(client, headers, PLACES)
    cy = people["cy"]
    db.session.add(Registration(organization_id=org.id, person_id=cy.id, state="PA",
                                state_key="PA2", precinct_code="2702"))  # fmt: skip
    db.session.flush()
    text = "{{ first_name }}, vote at {{ polling_place.name }} ({{ polling_place.address }})."
    check_text_template(text, field="body")
    assert render_text(text, merge_fields(cy)) == "Cy, vote at Rec Center (4600 Walnut St)."
    # A texter's tap reads the person's fields the template uses, and only those.
    assert render_text(text, merge_fields(cy, template=text)) == render_text(text, merge_fields(cy))
    assert "polling_place" not in merge_fields(cy, template="Hi {{ first_name }}")
    try:
        render_text(text, merge_fields(people["ada"]))
    except MissingMergeField as missing:
        assert "polling_place" in str(missing)
    else:
        raise AssertionError("a text to Ada would have said 'vote at  ()'")
