"""The OSDI API in-process: HAL collections and paging, filters (and refused ones),
confidential people never shown, the helpers' writes through the rooms' own operations
(consent, opt-outs, sticky canvass results, sign-ups and check-ins, gifts), each audited
under the key's name."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.apikeys.models import ApiScope
from app.apikeys.operations import create_api_key
from app.audit.models import AuditEvent
from app.canvass.defaults import ensure_defaults
from app.canvass.models import Question
from app.core.actor import Actor
from app.donations.committee import add_election
from app.events.operations import create_event
from app.people.models import ConsentRecord, PersonEmail, SurveyAnswer
from app.voters.models import Registration
from tests.factories import create_household, create_organization, create_person

ROOT = "/api/osdi/v1"


def key_for(org, *scopes: str) -> dict[str, str]:
    _, secret = create_api_key(
        Actor.system(org.id, "test"), name="sync", scopes=scopes or [s.value for s in ApiScope]
    )
    return {"OSDI-API-Token": secret}


def test_people_pages_filters_identifiers_and_no_confidential_person(client, db_session):
    org = create_organization()
    home = create_household(org, zip="19143")
    people = [create_person(org, last_name=f"Voter{n:02d}") for n in range(27)]
    first = people[0]
    first.household_id, first.custom_fields = home.id, {"van_id": "1234"}
    db_session.add(
        Registration(
            organization_id=org.id,
            person_id=first.id,
            state="NC",
            state_key="AB12",
            household_id=home.id,
        )
    )
    db_session.add(PersonEmail(organization_id=org.id, person=first, address="ann@example.org"))
    secret = create_person(org, last_name="Hidden", confidential=True)
    headers = key_for(org, "people.read")

    pages = [client.get(f"{ROOT}/people?page={n}", headers=headers).get_json() for n in (1, 2, 3)]
    assert [p["total_records"] for p in pages] == [27, 27, 27]
    assert [len(p["_embedded"]["osdi:people"]) for p in pages] == [25, 2, 0]
    assert pages[0]["total_pages"] == 2 and pages[0]["per_page"] == 25
    assert pages[0]["_links"]["next"]["href"].endswith("page=2&per_page=25")
    names = {p["family_name"] for page in pages for p in page["_embedded"]["osdi:people"]}
    assert "Hidden" not in names
    ann = pages[0]["_embedded"]["osdi:people"][0]
    assert ann["identifiers"] == [f"doorstep:{first.id}", "van:1234", "ncsbe:AB12"]
    assert ann["email_addresses"] == [
        {"primary": False, "address": "ann@example.org", "status": "unsubscribed"}
    ]
    assert (
        ann["created_date"].endswith("Z") and ann["postal_addresses"][0]["postal_code"] == "19143"
    )

    def found(text: str) -> list[str]:
        answer = client.get(f"{ROOT}/people", query_string={"filter": text}, headers=headers)
        assert answer.status_code == 200, answer.get_json()
        return [p["family_name"] for p in answer.get_json()["_embedded"]["osdi:people"]]

    assert found("email_address eq 'ANN@example.org'") == ["Voter00"]
    assert found("postal_code eq '19143' and family_name eq 'Voter00'") == ["Voter00"]
    assert found("family_name eq 'Voter01' or family_name eq 'Voter02'") == ["Voter01", "Voter02"]
    recent = client.get(
        f"{ROOT}/people", query_string={"filter": "modified_date gt '2000-01-01'"}, headers=headers
    ).get_json()
    assert recent["total_records"] == 27
    assert "filter=modified_date" in recent["_links"]["next"]["href"]
    assert found("modified_date gt '2999-01-01T00:00:00Z'") == []
    assert found("family_name eq 'Hidden'") == []
    injection = "family_name eq 'x'); DROP TABLE people; --"
    for bad in (
        "password eq 'x'",
        "family_name eq",
        "email_address gt 'a'",
        "modified_date gt 'soon'",
        injection,
    ):
        refused = client.get(f"{ROOT}/people", query_string={"filter": bad}, headers=headers)
        assert refused.status_code == 400, bad
        assert refused.get_json()["error"]["fields"]["filter"], bad
    no_filter = client.get(f"{ROOT}/tags", query_string={"filter": "name eq 'x'"}, headers=headers)
    assert no_filter.status_code == 400 and no_filter.get_json()["error"]["code"] == "bad_filter"
    assert client.get(f"{ROOT}/people/{secret.id}", headers=headers).status_code == 404
    assert client.get(f"{ROOT}/people/{first.id}", headers=headers).status_code == 200
    read = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "osdi.read"))
    assert {e.actor_label for e in read} == {"api-key:sync"}


def test_signup_helper_matches_creates_and_keeps_opt_outs(client, db_session):
    org = create_organization()
    headers = key_for(org, "people.read", "people.write")
    gone = create_person(org, first_name="Opted", last_name="Out")
    db_session.add(
        PersonEmail(
            organization_id=org.id, person=gone, address="out@example.org", do_not_contact=True
        )
    )
    hidden = create_person(org, last_name="Secret", confidential=True)
    db_session.add(PersonEmail(organization_id=org.id, person=hidden, address="secret@example.org"))
    body = {
        "person": {
            "given_name": "Nia",
            "family_name": "New",
            "email_addresses": [{"address": "nia@example.org", "status": "subscribed"}],
            "phone_numbers": [
                {"number": "215-555-0142", "number_type": "Mobile", "status": "subscribed"}
            ],
            "custom_fields": {"shirt": "M"},
        },
        "add_tags": ["volunteer"],
    }
    made = client.post(f"{ROOT}/people/person_signup_helper", json=body, headers=headers)
    assert made.status_code == 201, made.get_json()
    nia = made.get_json()
    assert nia["email_addresses"][0]["status"] == "subscribed"
    assert nia["phone_numbers"][0] == {
        "primary": True,
        "number": "12155550142",
        "number_type": "Mobile",
        "sms_capable": True,
        "do_not_call": False,
        "status": "subscribed",
    }
    again = client.post(
        f"{ROOT}/people",
        headers=headers,
        json={
            "person": {"email_addresses": [{"address": "NIA@example.org"}], "family_name": "Newer"},
            "add_tags": ["donor"],
        },
    )
    assert again.status_code == 200 and again.get_json()["identifiers"] == nia["identifiers"]
    assert again.get_json()["family_name"] == "Newer"
    person_id = int(nia["identifiers"][0].split(":")[1])
    tags = client.get(f"{ROOT}/people/{person_id}/taggings", headers=headers).get_json()
    assert tags["total_records"] == 2

    resubscribed = client.post(
        f"{ROOT}/people",
        headers=headers,
        json={
            "person": {"email_addresses": [{"address": "out@example.org", "status": "subscribed"}]}
        },
    )
    assert resubscribed.status_code == 200
    assert resubscribed.get_json()["email_addresses"][0]["status"] == "unsubscribed"
    protected = client.post(
        f"{ROOT}/people",
        headers=headers,
        json={
            "person": {"email_addresses": [{"address": "secret@example.org"}], "given_name": "X"}
        },
    )
    assert protected.status_code == 403
    assert protected.get_json()["error"]["code"] == "person_protected"

    put = client.put(
        f"{ROOT}/people/{person_id}",
        headers=headers,
        json={"given_name": "Nina", "email_address": "nina@example.org"},
    )
    assert put.status_code == 200 and put.get_json()["given_name"] == "Nina"
    assert {e["address"] for e in put.get_json()["email_addresses"]} == {
        "nia@example.org",
        "nina@example.org",
    }
    bad = client.put(
        f"{ROOT}/people/{person_id}",
        headers=headers,
        json={"email_addresses": [{"address": "not an email"}]},
    )
    assert (
        bad.status_code == 422 and "email_addresses.0.address" in bad.get_json()["error"]["fields"]
    )
    consent = db_session.scalars(select(ConsentRecord).where(ConsentRecord.person_id == person_id))
    assert any(r.granted and r.source == "api" for r in consent)
    audit = db_session.scalars(
        select(AuditEvent).where(
            AuditEvent.action.like("person.%"), AuditEvent.entity_id == str(person_id)
        )
    )
    assert {e.actor_label for e in audit} == {"api-key:sync"}


def test_taggings_canvass_attendance_and_donation_helpers(client, db_session):
    org = create_organization()
    ensure_defaults(org.id)
    headers = key_for(org)
    pat = create_person(org, first_name="Pat", last_name="Door", tags=["Walk 1"])
    tag_url = client.get(f"{ROOT}/tags", headers=headers).get_json()["_embedded"]["osdi:tags"][0]
    assert tag_url["name"] == "Walk 1"
    taggings = tag_url["_links"]["osdi:taggings"]["href"].replace("http://localhost", "")
    link = {"_links": {"osdi:person": {"href": f"http://localhost{ROOT}/people/{pat.id}"}}}
    other = create_person(org)
    link_other = {"_links": {"osdi:person": {"href": f"http://localhost{ROOT}/people/{other.id}"}}}
    assert client.post(taggings, json=link_other, headers=headers).status_code == 201
    listed = client.get(taggings, headers=headers).get_json()
    assert (
        listed["total_records"] == 2
        and client.post(taggings, json=link, headers=headers).status_code == 201
    )
    assert client.delete(f"{taggings}/{other.id}", headers=headers).status_code == 200
    assert client.get(taggings, headers=headers).get_json()["total_records"] == 1

    support = db_session.scalar(
        select(Question).where(Question.organization_id == org.id, Question.key == "support")
    )
    canvass = {
        "canvass": {
            "identifiers": ["mytool:77"],
            "action_date": "2026-03-01T15:00:00Z",
            "status_code": "",
            "success": True,
        },
        "add_answers": [{"question": f"{ROOT}/questions/{support.id}", "responses": ["1"]}],
        "add_tags": ["supporter"],
    }
    first = client.post(
        f"{ROOT}/people/{pat.id}/record_canvass_helper", json=canvass, headers=headers
    )
    again = client.post(
        f"{ROOT}/people/{pat.id}/record_canvass_helper", json=canvass, headers=headers
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["identifiers"] == again.get_json()["identifiers"]
    answers = db_session.scalars(select(SurveyAnswer).where(SurveyAnswer.person_id == pat.id))
    assert [(a.question, a.answer) for a in answers] == [("support", "1")]
    moved = {"canvass": {"identifiers": ["mytool:78"], "status_code": "moved"}}
    assert (
        client.post(
            f"{ROOT}/people/{pat.id}/record_canvass_helper", json=moved, headers=headers
        ).status_code
        == 201
    )
    person = client.get(f"{ROOT}/people/{pat.id}", headers=headers).get_json()
    assert "supporter" in [t for t in db_session.get(type(pat), pat.id).tags]
    assert db_session.get(type(pat), pat.id).has_moved and person["identifiers"]
    unknown = {"canvass": {"identifiers": ["mytool:79"], "status_code": "abducted"}}
    refused = client.post(
        f"{ROOT}/people/{pat.id}/record_canvass_helper", json=unknown, headers=headers
    )
    assert refused.status_code == 422

    soon = datetime.now(UTC) + timedelta(days=2)
    event = create_event(
        Actor.system(org.id, "t"),
        {
            "name": "Rally",
            "kind": "rally",
            "shifts": [{"starts_at": soon, "ends_at": soon + timedelta(hours=2)}],
        },
    )
    came = client.post(
        f"{ROOT}/events/{event.id}/record_attendance_helper",
        headers=headers,
        json={
            "person": {"email_addresses": [{"address": "amy@example.org"}], "given_name": "Amy"},
            "attended": True,
        },
    )
    assert came.status_code == 201, came.get_json()
    assert came.get_json()["attended"] is True and came.get_json()["status"] == "accepted"
    listed = client.get(f"{ROOT}/events/{event.id}/attendances", headers=headers).get_json()
    assert listed["total_records"] == 1

    add_election(Actor.system(org.id, "t"), {"kind": "G", "held_on": date(2099, 11, 3)})
    page_key = b"spring-drive".hex()
    gift = {
        "person": {"email_addresses": [{"address": "amy@example.org"}]},
        "identifiers": ["mytool:gift-1"],
        "recipients": [{"amount": "25.00"}],
    }
    url = f"{ROOT}/fundraising_pages/{page_key}/record_donation_helper"
    given = client.post(url, json=gift, headers=headers)
    repeat = client.post(url, json=gift, headers=headers)
    assert (given.status_code, repeat.status_code) == (201, 200), given.get_json()
    assert given.get_json()["amount"] == "25.00" and given.get_json()["amount_cents"] == 2500
    pages = client.get(f"{ROOT}/fundraising_pages", headers=headers).get_json()
    assert pages["_embedded"]["osdi:fundraising_pages"][0]["total_amount"] == "25.00"
    odd = {**gift, "identifiers": ["x:2"], "recipients": [{"amount": "1.234"}]}
    wrong = client.post(url, json=odd, headers=headers)
    assert wrong.status_code == 422


def test_odd_bodies_are_refused_in_the_error_shape_never_a_5xx(client, db_session):
    """Each write endpoint x each odd body: ~230 requests, about 7 s on the contended box."""
    org = create_organization()
    ensure_defaults(org.id)
    headers = key_for(org)
    person = create_person(org)
    soon = datetime.now(UTC) + timedelta(days=2)
    event = create_event(
        Actor.system(org.id, "t"),
        {
            "name": "E",
            "kind": "rally",
            "shifts": [{"starts_at": soon, "ends_at": soon + timedelta(hours=1)}],
        },
    )
    page = b"p".hex()
    posts = [f"{ROOT}/people", f"{ROOT}/people/person_signup_helper", f"{ROOT}/events",
             f"{ROOT}/people/{person.id}/record_canvass_helper", f"{ROOT}/tags",
             f"{ROOT}/events/{event.id}/record_attendance_helper",
             f"{ROOT}/fundraising_pages/{page}/record_donation_helper",
             f"{ROOT}/tags/{b't'.hex()}/taggings"]  # fmt: skip
    bodies = [
        [],
        "text",
        7,
        {},
        {"person": 5},
        {"person": {"given_name": 5}},
        {"add_tags": "x"},
        {"add_tags": [1, None]},
        {"person": {"email_addresses": "a@b"}},
        {"person": {"email_addresses": [{"address": "x" * 300 + "@e.org"}]}},
        {"person": {"phone_numbers": [{"number": "12"}]}},
        {"person": {"custom_fields": [1]}},
        {"canvass": {"identifiers": 5}},
        {"canvass": {"identifiers": ["a:bc"]}, "add_answers": {}},
        {"canvass": {"identifiers": ["a:bc"]}, "add_answers": [{"question": {"_links": []}}]},
        {"canvass": {"identifiers": ["a:bd"], "action_date": "yesterday"}},
        {"title": "x" * 300},
        {"title": "T", "start_date": "2026-13-40"},
        {"title": "T", "location": {"address_lines": [1, {"a": 1}]}},
        {"recipients": [{"amount": "-5"}]},
        {"recipients": "5"},
        {"identifiers": {"a": 1}},
        {"_links": {"osdi:person": {"href": 5}}},
        {"_links": []},
        {"name": "\u0000"},
        {"person": {"given_name": "a\u0000b"}},
        {"shift_id": "x"},
        {"attended": "yes"},
    ]
    for url in posts:
        for sent in bodies:
            answer = client.post(url, json=sent, headers=headers)
            assert answer.status_code < 500, (url, sent, answer.get_data(as_text=True))
            if answer.status_code >= 400:
                assert answer.get_json()["error"]["code"], (url, sent)
    for url in (
        f"{ROOT}/tags/zz",
        f"{ROOT}/tags/{'a' * 999}",
        f"{ROOT}/fundraising_pages/0",
        f"{ROOT}/people?per_page=1000",
        f"{ROOT}/people?page=0",
        f"{ROOT}/people/{2**62}",
    ):
        assert client.get(url, headers=headers).status_code in (400, 404, 422), url
