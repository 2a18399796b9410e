"""Peer-to-peer texting, Spoke's way, through the API and a Twilio stand-in: a campaign over a
universe, texters claiming batches, one tap per first message, replies routed back to their
texter (or the shared inbox once handed off), canned answers, results and survey answers from
the thread, and the number kept from volunteer texters."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.people.models import Interaction, InteractionKind, Person, PersonPhone, SurveyAnswer
from app.people.sms import twilio_signature
from app.texting.models import Conversation, ConversationStatus
from tests.texting.conftest import make_campaign, started

URL = "https://doorstep.test/api/v1/sms/inbound"


def inbound(client, provider, number, body, sid=None):
    form = {"From": number, "To": "+12675550100", "Body": body,
            "MessageSid": sid or "SM" + uuid.uuid4().hex}  # fmt: skip
    signature = twilio_signature(provider.auth_token, URL, form)
    response = client.post("/api/v1/sms/inbound", data=form,
                           headers={"X-Twilio-Signature": signature})  # fmt: skip
    assert response.status_code == 200, response.get_json()


def claim(client, headers, campaign, count=2):
    response = client.post(f"/api/v1/texting/campaigns/{campaign['id']}/claim",
                           json={"count": count}, headers=headers)  # fmt: skip
    assert response.status_code == 200, response.get_json()
    return response.get_json()["conversation_ids"]


def send(client, headers, conversation_id, status=201, **body):
    response = client.post(f"/api/v1/texting/conversations/{conversation_id}/messages",
                           json=body, headers=headers)  # fmt: skip
    assert response.status_code == status, response.get_json()
    return response.get_json()


def conversation_of(world, name) -> Conversation:
    return db.session.scalar(
        select(Conversation).filter_by(person_id=world.person_ids[name])
        .order_by(Conversation.id.desc()).limit(1)
    )  # fmt: skip


def test_a_campaign_is_checked_estimated_and_started(client, director, world, clock):
    bad = make_campaign(client, director, world, status=422, first_message="Hi {{ nickname }}")
    assert bad["error"]["fields"]["first_message"]
    gone = make_campaign(client, director, world, status=404, universe_id=2**40)
    assert gone["error"]["code"] == "universe_not_found"
    campaign = make_campaign(client, director, world)
    assert campaign["status"] == "draft" and campaign["canned_responses"][0]["title"]
    estimate = client.get(f"/api/v1/texting/campaigns/{campaign['id']}/estimate",
                          headers=director).get_json()  # fmt: skip
    # Rosa, Sam, Lee, Eve's mobile, and Ann or Bob at their shared phone; never Kim's
    # landline, Max's opted-out phone, Ada (deceased) or Joy (confidential).
    assert estimate["recipients"] == 5 and estimate["cannot_render"] == 0
    assert estimate["segments_per_message"] == {"average": 1.0, "max": 1}
    assert estimate["cost"] == "0.0415" and estimate["cost_per_segment"] == "0.0083"
    assert (
        estimate["example"].startswith("Hi ") and "Dana with Friends of Ada" in estimate["example"]
    )
    assert estimate["example"].endswith("Reply STOP to opt out.")

    response = client.post(f"/api/v1/texting/campaigns/{campaign['id']}/start", headers=director)
    assert response.get_json() == {"conversations": 5}
    people = set(db.session.scalars(select(Conversation.person_id)))
    names = {name for name, person_id in world.person_ids.items() if person_id in people}
    assert names == {"rosa", "sam", "lee", "ann", "eve"}
    assert conversation_of(world, "eve").number == "+12155550110"
    again = client.post(f"/api/v1/texting/campaigns/{campaign['id']}/start", headers=director)
    assert again.status_code == 409
    fixed = client.patch(f"/api/v1/texting/campaigns/{campaign['id']}",
                         json={"first_message": "Changed"}, headers=director)  # fmt: skip
    assert fixed.status_code == 409 and "first_message" in fixed.get_json()["error"]["fields"]


def test_texters_claim_different_batches_and_send_with_one_tap(
    client, director, texter, other_texter, organizer, world, provider, clock
):
    campaign = started(client, director, world)
    mine, theirs = claim(client, texter, campaign, 2), claim(client, other_texter, campaign, 2)
    assert len(mine) == 2 and len(theirs) == 2 and not set(mine) & set(theirs)

    thread = client.get(f"/api/v1/texting/conversations/{mine[0]}", headers=texter).get_json()
    assert "number" not in thread  # a volunteer texter sees a name and the thread
    upcoming = thread["next_message"]
    name = thread["person"]["first_name"]
    assert upcoming["body"].startswith(f"Hi {name}, it's Sam with Friends of Ada.")
    assert (upcoming["segments"], upcoming["encoding"], upcoming["cost"]) == (1, "gsm7", "0.0083")
    seen = client.get(f"/api/v1/texting/conversations/{mine[0]}", headers=organizer).get_json()
    assert seen["number"].startswith("+1")
    hidden = client.get(f"/api/v1/texting/conversations/{mine[0]}", headers=other_texter)
    assert hidden.status_code == 404

    sent = send(client, texter, mine[0])
    assert sent["segments"] == 1 and sent["cost"] == "0.0083"
    [delivered] = provider.received
    assert delivered["Body"] == upcoming["body"] and delivered["To"] == seen["number"]
    again = send(client, texter, mine[0], status=409)
    assert again["error"]["code"] == "first_message_sent"
    own_words_first = send(client, texter, mine[1], status=409, body="Hey!")
    assert own_words_first["error"]["code"] == "first_message_unsent"

    conversation = db.session.get(Conversation, mine[0])
    assert conversation.status == ConversationStatus.MESSAGED
    assert conversation.first_texter_id == conversation.texter_id
    entry = db.session.scalar(select(Interaction).filter_by(
        person_id=conversation.person_id, kind=InteractionKind.TEXT))  # fmt: skip
    assert entry.result == "sent" and entry.data["conversation_id"] == mine[0]
    assert entry.user_id == conversation.texter_id


def test_replies_come_back_to_their_texter_who_answers_and_records(
    client, director, texter, world, provider, clock
):
    campaign = started(client, director, world)
    claim(client, texter, campaign, 5)
    rosa = conversation_of(world, "rosa")
    send(client, texter, rosa.id)
    inbound(client, provider, rosa.number, "Yes! Where do I vote?")
    db.session.refresh(rosa)
    assert rosa.status == ConversationStatus.NEEDS_RESPONSE and rosa.texter_id is not None
    waiting = client.get("/api/v1/texting/conversations?status=needs_response",
                         headers=texter).get_json()  # fmt: skip
    assert [c["id"] for c in waiting["items"]] == [rosa.id]

    canned = campaign["canned_responses"][0]["id"]
    answer = send(client, texter, rosa.id, canned_response_id=canned)
    assert answer["body"] == "Rosa, find your polling place at vote.example.org"
    send(client, texter, rosa.id, body="  Thanks Rosa, see you there!  ")
    assert provider.received[-1]["Body"] == "Thanks Rosa, see you there!"
    thread = client.get(f"/api/v1/texting/conversations/{rosa.id}", headers=texter).get_json()
    assert [m["direction"] for m in thread["messages"]] == ["out", "in", "out", "out"]
    assert thread["status"] == "convo"

    bad = client.post(f"/api/v1/texting/conversations/{rosa.id}/results",
                      json={"answers": {"volunteer": "yes"}}, headers=texter)  # fmt: skip
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "branch_not_taken"
    recorded = client.post(f"/api/v1/texting/conversations/{rosa.id}/results",
                           json={"answers": {"support": "1", "volunteer": "yes"}, "close": True},
                           headers=texter)  # fmt: skip
    assert recorded.status_code == 201, recorded.get_json()
    assert recorded.get_json()["result"] == "canvassed"
    assert recorded.get_json()["status"] == "closed"
    answers = dict(db.session.execute(select(SurveyAnswer.question, SurveyAnswer.answer)
                                      .filter_by(person_id=rosa.person_id)).all())  # fmt: skip
    assert answers == {"support": "1", "volunteer": "yes"}
    person = db.session.get(Person, rosa.person_id)
    db.session.refresh(person)
    assert "volunteer prospect" in person.tags
    replied = db.session.scalar(select(Interaction).filter_by(person_id=rosa.person_id,
                                                              result="replied"))  # fmt: skip
    assert replied.summary == "Yes! Where do I vote?"


def test_a_handed_off_or_gone_texter_s_replies_go_to_the_shared_inbox(
    client, director, texter, organizer, world, provider, clock
):
    campaign = started(client, director, world)
    claim(client, texter, campaign, 5)
    rosa, sam = conversation_of(world, "rosa"), conversation_of(world, "sam")
    send(client, texter, rosa.id)
    send(client, texter, sam.id)
    released = client.post(f"/api/v1/texting/campaigns/{campaign['id']}/release", headers=texter)
    assert released.get_json() == {"unsent": 3, "to_inbox": 2}
    inbound(client, provider, rosa.number, "Who is this?")
    db.session.refresh(rosa)
    assert rosa.texter_id is None and rosa.status == ConversationStatus.NEEDS_RESPONSE
    inbox = client.get("/api/v1/texting/conversations?scope=inbox", headers=organizer).get_json()
    assert {c["id"] for c in inbox["items"]} == {rosa.id, sam.id}
    assert client.get("/api/v1/texting/conversations?scope=inbox",
                      headers=texter).status_code == 403  # fmt: skip
    mine = client.get("/api/v1/texting/conversations", headers=texter).get_json()
    assert mine["total"] == 0
    # The organiser hands Sam's thread back; then the texter's account is deactivated.
    response = client.post(f"/api/v1/texting/conversations/{sam.id}/assign",
                           json={"texter_id": rosa.first_texter_id}, headers=organizer)  # fmt: skip
    assert response.status_code == 200 and response.get_json()["texter_id"]
    db.session.get(User, rosa.first_texter_id).is_active = False
    inbound(client, provider, sam.number, "Stop texting me? no, I mean, sure")
    db.session.refresh(sam)
    assert sam.texter_id is None


def test_stop_ends_texting_everywhere_and_help_answers(
    client, director, texter, world, provider, clock
):
    first = started(client, director, world)
    second = started(client, director, world, name="Second")
    claim(client, texter, first, 5)
    claim(client, texter, second, 5)
    sam = conversation_of(world, "sam")
    send(client, texter, sam.id)
    inbound(client, provider, sam.number, "help")
    help_text = provider.received[-1]["Body"]
    assert help_text == ("Friends of Ada: Second. Questions? info@friendsofada.org. "
                         "Reply STOP to opt out.")  # fmt: skip
    db.session.refresh(sam)
    assert sam.status == ConversationStatus.MESSAGED  # a HELP is nobody's turn

    inbound(client, provider, sam.number, "Stop")
    both = db.session.scalars(select(Conversation).filter_by(number=sam.number)).all()
    assert len(both) == 2 and {c.status for c in both} == {ConversationStatus.OPTED_OUT}
    phone = db.session.scalar(select(PersonPhone).filter_by(number=sam.number))
    assert phone.do_not_contact is True
    first_sam = next(c for c in both if c.id != sam.id)
    refused = send(client, texter, first_sam.id, status=409)
    assert refused["error"]["code"] == "not_textable"


def test_a_webhook_delivered_twice_is_filed_once(client, director, texter, world, provider, clock):
    campaign = started(client, director, world)
    claim(client, texter, campaign, 5)
    rosa = conversation_of(world, "rosa")
    send(client, texter, rosa.id)
    inbound(client, provider, rosa.number, "Sure", sid="SM" + "7" * 32)
    inbound(client, provider, rosa.number, "Sure", sid="SM" + "7" * 32)
    thread = client.get(f"/api/v1/texting/conversations/{rosa.id}", headers=texter).get_json()
    assert [m["direction"] for m in thread["messages"]] == ["out", "in"]


@pytest.mark.parametrize(("hour", "name", "allowed"), [
    (21, "rosa", False),  # 9pm in Philadelphia
    (20, "rosa", True),
    (8, "lee", False),  # 8am in Philadelphia is 7am in Chicago
    (9, "lee", True),
])  # fmt: skip
def test_quiet_hours_in_the_recipient_s_zone(
    client, director, texter, world, provider, clock, hour, name, allowed
):
    campaign = started(client, director, world)
    claim(client, texter, campaign, 5)
    clock.now = clock.now.replace(hour=hour)
    conversation = conversation_of(world, name)
    thread = client.get(f"/api/v1/texting/conversations/{conversation.id}", headers=texter)
    answer = send(client, texter, conversation.id, status=201 if allowed else 409)
    if not allowed:
        assert answer["error"]["code"] == "quiet_hours"
        [after] = answer["error"]["fields"]["send_after"]
        assert thread.get_json()["send_after"] == after
        assert provider.received == []


def test_a_wrong_number_belongs_to_the_number(client, director, texter, world, provider, clock):
    campaign = started(client, director, world)
    claim(client, texter, campaign, 5)
    lee = conversation_of(world, "lee")
    send(client, texter, lee.id)
    response = client.post(f"/api/v1/texting/conversations/{lee.id}/results",
                           json={"result": "wrong_number"}, headers=texter)  # fmt: skip
    assert response.status_code == 201 and response.get_json()["status"] == "closed"
    phone = db.session.scalar(select(PersonPhone).filter_by(number=lee.number))
    assert phone.do_not_contact is True
    person = db.session.get(Person, lee.person_id)
    assert person.do_not_contact is False  # the person may still be knocked, called ...
    unknown = client.post(f"/api/v1/texting/conversations/{lee.id}/results",
                          json={"result": "bogus"}, headers=texter)  # fmt: skip
    assert unknown.status_code == 422 and unknown.get_json()["error"]["fields"]["result"]


def test_broadcasts_are_for_directors(client, organizer, director, world, clock):
    refused = make_campaign(client, organizer, world, status=403, kind="broadcast")
    assert refused["error"]["fields"] == {"kind": ["broadcast"]}
    campaign = make_campaign(client, director, world, kind="broadcast")
    widened = client.patch(f"/api/v1/texting/campaigns/{campaign['id']}",
                           json={"name": "Renamed"}, headers=organizer)  # fmt: skip
    assert widened.status_code == 403


def test_closed_campaigns_send_nothing(client, director, texter, world, provider, clock):
    campaign = started(client, director, world)
    [first] = claim(client, texter, campaign, 1)
    client.post(f"/api/v1/texting/campaigns/{campaign['id']}/close", headers=director)
    assert send(client, texter, first, status=409)["error"]["code"] == "text_campaign_not_active"
    assert client.post(f"/api/v1/texting/campaigns/{campaign['id']}/claim", json={},
                       headers=texter).status_code == 409  # fmt: skip
