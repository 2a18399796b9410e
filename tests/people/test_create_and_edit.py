"""Creating and editing people: normalised contacts, consent stamps, tags, audit, refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.extensions import db
from tests.factories import auth_headers, create_organization, create_person, create_user

VOLUNTEER = {
    "first_name": "  Rosa ",
    "last_name": "Parks",
    "gender": "F",
    "birth_date": "1961-02-04",
    "languages": ["EN", "es", "en"],
    "tags": [" Volunteer  prospect ", "volunteer PROSPECT", "Yard sign", "  "],
    "custom_fields": {"shirt_size": "M", "shifts": 3},
    "emails": [{"address": " Rosa@Example.ORG ", "consent": True}],
    "phones": [
        {"number": "(215) 555-0123", "kind": "mobile", "sms_consent": True, "is_primary": True},
        {"number": "+1 267 555 0199", "kind": "landline", "do_not_contact": True},
    ],
}


def _audit(action: str, entity_id: int) -> AuditEvent:
    return db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == action, AuditEvent.entity_id == str(entity_id)
        )
    )


def test_create_a_volunteer(client, headers):
    response = client.post("/api/v1/people", json=VOLUNTEER, headers=headers)
    assert response.status_code == 201, response.get_json()
    person = response.get_json()
    assert person["source"] == "manual"
    assert (person["first_name"], person["full_name"]) == ("Rosa", "Rosa Parks")
    assert person["birth_year"] == 1961
    assert person["languages"] == ["en", "es"]
    assert person["tags"] == ["Volunteer prospect", "Yard sign"]
    assert person["custom_fields"] == {"shirt_size": "M", "shifts": 3}
    [email] = person["emails"]
    assert (email["address"], email["consent"], email["is_primary"]) == (
        "rosa@example.org",
        True,
        True,
    )
    assert email["consent_changed_at"] is not None
    mobile, landline = person["phones"]
    assert mobile["number"] == "+12155550123" and mobile["is_primary"] and mobile["sms_consent"]
    assert landline["number"] == "+12675550199" and landline["do_not_contact"]
    assert not landline["is_primary"]
    audit = _audit("person.create", person["id"])
    assert audit.changes["last_name"] == "Parks"
    assert audit.changes["emails"]["added"] == ["rosa@example.org"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phones": [{"number": "+1 555"}, {"number": "215 555 01"}]}, "phones.0.number"),
        ({"emails": [{"address": "rosa@"}]}, "emails.0.address"),
        (
            {"emails": [{"address": "a@example.org"}, {"address": "A@example.org "}]},
            "emails.1.address",
        ),
        (
            {"phones": [{"number": "2155550123", "kind": "landline", "sms_consent": True}]},
            "phones.0.sms_consent",
        ),
        (
            {
                "phones": [
                    {"number": "2155550123", "is_primary": True},
                    {"number": "2155550124", "is_primary": True},
                ]
            },
            "phones",
        ),
        ({"last_name": "  "}, "last_name"),
        ({"birth_year": 1962, "birth_date": "1961-02-04"}, "birth_year"),
        ({"birth_year": 1700}, "birth_year"),
        ({"custom_fields": {"nested": {"a": 1}}}, "custom_fields.nested.value"),
        ({"custom_fields": {"a\u0000b": 1}}, "custom_fields.a\u0000b.key"),
        ({"middle_nmae": "typo"}, "middle_nmae"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(client, headers, body, field):
    response = client.post("/api/v1/people", json={"last_name": "Parks", **body}, headers=headers)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]


def test_patch_names_flags_and_tags_with_audit_before_after(client, headers, org):
    person = create_person(org, first_name="ROSA", last_name="PARKS", tags=["Donor"])
    response = client.patch(
        f"/api/v1/people/{person.id}",
        json={
            "first_name": "Rosa",
            "tags": ["donor", "Host"],
            "is_deceased": True,
            "custom_fields": {"shirt_size": "L"},
        },
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["tags"] == ["donor", "Host"]
    changes = _audit("person.update", person.id).changes
    assert changes["first_name"] == {"from": "ROSA", "to": "Rosa"}
    assert changes["tags"] == {"from": ["Donor"], "to": ["donor", "Host"]}
    assert changes["is_deceased"] == {"from": False, "to": True}
    again = client.patch(
        f"/api/v1/people/{person.id}",
        json={"custom_fields": {"shirt_size": None, "team": "North"}},
        headers=headers,
    )
    assert again.get_json()["custom_fields"] == {"team": "North"}


def test_patch_consent_stamps_and_audits_the_change(client, headers):
    created = client.post("/api/v1/people", json=VOLUNTEER, headers=headers).get_json()
    url = f"/api/v1/people/{created['id']}"
    stamp = created["phones"][0]["consent_changed_at"]
    response = client.patch(
        url,
        json={
            "add_phones": [
                {"number": "+12155550123", "sms_consent": False},
                {"number": "215-555-0111", "kind": "mobile", "consent": True},
            ]
        },
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    mobile, landline, new = response.get_json()["phones"]
    assert mobile["sms_consent"] is False and mobile["consent_changed_at"] > stamp
    assert landline["consent_changed_at"] == created["phones"][1]["consent_changed_at"]
    assert new["number"] == "+12155550111" and new["consent"]
    phones = _audit("person.update", created["id"]).changes["phones"]
    assert phones["updated"] == {"+12155550123": {"sms_consent": {"from": True, "to": False}}}
    assert phones["added"] == ["+12155550111"]
    # Untouched flags keep their stamp: a no-op edit is not a consent event.
    same = client.patch(url, json={"add_phones": [{"number": "+12155550111"}]}, headers=headers)
    assert same.get_json()["phones"][2]["consent_changed_at"] == new["consent_changed_at"]


def test_replacing_contacts_keeps_opted_out_ones(client, headers):
    created = client.post("/api/v1/people", json=VOLUNTEER, headers=headers).get_json()
    response = client.patch(
        f"/api/v1/people/{created['id']}",
        json={"phones": [{"number": "2155550177", "is_primary": True}], "emails": []},
        headers=headers,
    )
    body = response.get_json()
    assert [p["number"] for p in body["phones"]] == ["+12675550199", "+12155550177"]
    assert [p["is_primary"] for p in body["phones"]] == [False, True]
    assert body["emails"] == []
    changes = _audit("person.update", created["id"]).changes
    assert changes["phones"]["removed"] == ["+12155550123"]
    assert changes["emails"]["removed"] == ["rosa@example.org"]


def test_patch_refuses_a_bad_phone_and_an_emptied_name(client, headers, org):
    person = create_person(org, first_name=None, last_name="Parks")
    bad = client.patch(
        f"/api/v1/people/{person.id}", json={"add_phones": [{"number": "555"}]}, headers=headers
    )
    assert "add_phones.0.number" in bad.get_json()["error"]["fields"]
    nameless = client.patch(f"/api/v1/people/{person.id}", json={"last_name": ""}, headers=headers)
    assert nameless.status_code == 422


def test_other_campaigns_people_are_not_found(client, headers):
    stranger = create_person(create_organization())
    url = f"/api/v1/people/{stranger.id}"
    assert client.get(url, headers=headers).status_code == 404
    response = client.patch(url, json={"first_name": "X"}, headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "person_not_found"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/api/v1/people", None),
        ("POST", "/api/v1/people", {"last_name": "Parks"}),
        ("GET", "/api/v1/people/{id}", None),
        ("PATCH", "/api/v1/people/{id}", {"first_name": "X"}),
        ("GET", "/api/v1/people/{id}/interactions", None),
        ("POST", "/api/v1/people/{id}/interactions", {"summary": "Hi"}),
    ],
)
def test_canvassers_may_not_read_or_edit_people(client, org, method, path, body):
    canvasser = create_user(org, Role.CANVASSER)
    person = create_person(org)
    response = client.open(
        path.format(id=person.id), method=method, json=body, headers=auth_headers(canvasser)
    )
    assert response.status_code == 403
