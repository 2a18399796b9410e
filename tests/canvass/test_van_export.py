"""Canvass results out in NGP VAN's shapes: canvassResponses bodies (a result code or
responses, never both) and the bulk Canvass Results CSV; held knocks and unmapped results
left out with a reason."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from app.canvass.models import Script
from app.extensions import db
from app.knocks.models import DoorKnock
from app.people.models import Person
from app.voters.models import Registration
from tests.canvass.conftest import knock, person_at, sync


def map_to_van(client, headers, org) -> None:
    codes = client.get("/api/v1/canvass/result-codes", headers=headers).get_json()
    ids = {c["code"]: c["id"] for c in codes}
    for code, van_id in (("not_home", 1), ("moved", 5)):
        response = client.patch(f"/api/v1/canvass/result-codes/{ids[code]}",
                                json={"van_result_id": van_id}, headers=headers)  # fmt: skip
        assert response.status_code == 200, response.get_json()
    script = db.session.scalar(select(Script).filter_by(organization_id=org.id, is_default=True))
    questions = client.get("/api/v1/canvass/scripts", headers=headers).get_json()[0]["questions"]
    for question in questions:
        if question["key"] == "support":
            question["van"] = {"survey_question_id": 300, "responses": {"1": 301, "2": 302}}
        if question["key"] == "volunteer":
            question["van"] = {"activist_code_id": 900}
    body = {"name": "Doors", "is_default": True, "questions": questions}
    response = client.put(f"/api/v1/canvass/scripts/{script.id}", headers=headers, json=body)
    assert response.status_code == 200, response.get_json()


def test_knocks_come_out_as_van_canvass_responses(client, org, headers, phone, walk_list):
    map_to_van(client, headers, org)
    fan, away, gone, unknown = (person_at(walk_list, n) for n in range(4))
    db.session.get(Person, fan).custom_fields = {"van_id": "101"}
    db.session.get(Person, away).custom_fields = {"van_id": "102"}
    db.session.add(Registration(organization_id=org.id, person_id=gone, state="PA",
                                state_key="PA000123"))  # fmt: skip
    db.session.get(Person, unknown).custom_fields = {"van_id": "104"}
    db.session.flush()
    sync(
        client, phone,
        knock(walk_list, 0, people=[{"person_id": fan, "answers": {
            "support": "1", "volunteer": "yes"}}]),
        knock(walk_list, 1, people=[{"person_id": away, "result": "not_home"}]),
        knock(walk_list, 2, people=[{"person_id": gone, "result": "moved"}]),
        knock(walk_list, 3, people=[{"person_id": unknown, "result": "refused"}]),
    )  # fmt: skip

    response = client.get("/api/v1/canvass/exports/van", headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    by_person = {item["person_id"]: item for item in body["items"]}
    answered = by_person[fan]["canvass_response"]
    assert by_person[fan]["path"] == "people/101/canvassResponses"
    assert answered["resultCodeId"] is None  # responses imply Canvassed
    assert answered["responses"] == [
        {"surveyQuestionId": 300, "surveyResponseId": 301, "type": "SurveyResponse"},
        {"activistCodeId": 900, "action": "Apply", "type": "ActivistCode"},
    ]
    assert answered["canvassContext"]["contactTypeId"] == 2
    assert answered["canvassContext"]["inputTypeId"] == 11
    assert answered["canvassContext"]["dateCanvassed"][:4].isdigit()
    assert by_person[away]["canvass_response"]["resultCodeId"] == 1
    assert by_person[gone]["path"] == "people/StateFileID:PA000123/canvassResponses"
    assert by_person[gone]["canvassed_by"] == "Kim Canvass"
    assert body["skipped"] == [{"interaction_id": body["skipped"][0]["interaction_id"],
                                "person_id": unknown, "reason": "result_not_mapped"}]  # fmt: skip

    sheet = client.get("/api/v1/canvass/exports/van?format=csv&contact_type_id=36",
                       headers=headers)  # fmt: skip
    assert sheet.status_code == 200 and sheet.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(sheet.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["VanID"], r["StateFileID"], r["ResultID"], r["ContactTypeID"]) for r in rows] == [
        ("102", "", "1", "36"),
        ("", "PA000123", "5", "36"),
    ]
    assert rows[0]["CanvassedBy"] == "Kim Canvass" and len(rows[0]["DateCanvassed"]) == 10


def test_held_knocks_and_people_without_ids_stay_out(client, org, headers, phone, walk_list):
    map_to_van(client, headers, org)
    body = sync(client, phone, knock(walk_list, 0, result="not_home"))
    export = client.get("/api/v1/canvass/exports/van", headers=headers).get_json()
    assert export["items"] == []
    assert {s["reason"] for s in export["skipped"]} == {"no_van_id"}
    knock_id = body["results"][0]["door_knock_id"]
    batch_id = db.session.scalar(select(DoorKnock.sync_batch_id).filter_by(id=knock_id))
    client.post(f"/api/v1/canvass/batches/{batch_id}/hold", json={"reason": "check"},
                headers=headers)  # fmt: skip
    export = client.get("/api/v1/canvass/exports/van", headers=headers).get_json()
    assert export == {"items": [], "skipped": []}


def test_van_ids_must_name_answers_the_question_has(client, org, headers):
    questions = client.get("/api/v1/canvass/scripts", headers=headers).get_json()[0]["questions"]
    questions[0]["van"] = {"survey_question_id": 300, "responses": {"9": 301}}
    response = client.post("/api/v1/canvass/scripts", headers=headers,
                           json={"name": "Bad", "questions": questions})  # fmt: skip
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"questions.0.van.responses": ["9"]}
    phone_export = client.get("/api/v1/canvass/exports/van?format=xml", headers=headers)
    assert phone_export.status_code == 422
