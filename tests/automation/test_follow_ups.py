"""Follow-ups by time travel: a person enters a rule once per trigger event, waits the delay,
and the action is taken when it is due, if the person still fits the rule, outside their
quiet hours, only on a channel they have not opted out of; every action taken is counted on
the rule and written in the person's history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.automation import registry
from app.automation.engine import run_follow_ups
from app.automation.models import FollowUp, FollowUpStatus
from app.core.actor import Actor
from app.core.signals import contacts_recorded
from app.core.tasks import run_task
from app.events.checkins import check_in_signup
from app.events.models import CheckInMethod
from app.events.operations import create_event, sign_up
from app.events.roster import mark_no_shows
from app.extensions import db
from app.people.models import Interaction, InteractionKind, Person
from app.people.sms import opt_out_phone
from app.phones.claims import next_person
from app.phones.models import CallList, CallListPerson
from app.texting.models import Conversation
from tests.automation.conftest import empty_call_list, make_rule
from tests.texting.conftest import NEW_YORK, NOON, started


def record_from_a_thread(client, director, texter, world, names, answers):
    """The texter texts each person and records what they said: a ``contact`` trigger."""
    campaign = started(client, director, world, name=f"Bank {'-'.join(names)}")
    client.post(f"/api/v1/texting/campaigns/{campaign['id']}/claim", json={"count": 10},
                headers=texter)  # fmt: skip
    interactions = {}
    for name in names:
        conversation = db.session.scalar(select(Conversation).filter_by(
            campaign_id=campaign["id"], person_id=world.person_ids[name]))  # fmt: skip
        client.post(f"/api/v1/texting/conversations/{conversation.id}/messages", json={},
                    headers=texter)  # fmt: skip
        response = client.post(f"/api/v1/texting/conversations/{conversation.id}/results",
                               json={"answers": answers}, headers=texter)  # fmt: skip
        assert response.status_code == 201, response.get_json()
        interactions[name] = response.get_json()["interaction_id"]
    return interactions


def follow_ups(rule_id):
    return db.session.scalars(select(FollowUp).filter_by(rule_id=rule_id).order_by("id")).all()


def at(day, hour, minute=0):
    return datetime(2027, 3, day, hour, minute, tzinfo=NEW_YORK)


def test_a_supporter_who_will_volunteer_gets_a_text_two_days_later_in_daytime(
    client, director, texter, world, provider, clock
):
    rule = make_rule(client, director)  # support 1-2 and volunteer yes: a text, 2 days on
    recorded = record_from_a_thread(client, director, texter, world, ["rosa", "ann"],
                                    {"support": "2", "volunteer": "yes"})  # fmt: skip
    record_from_a_thread(client, director, texter, world, ["eve"], {"support": "4"})
    [rosa, ann] = follow_ups(rule["id"])  # Eve (support 4) does not enter
    assert rosa.due_at == NOON + timedelta(days=2) and rosa.status == FollowUpStatus.WAITING
    # The same event told again (a retried sync) enters nobody twice.
    contacts_recorded.send(world.organization_id, contacts=[
        {"person_id": world.person_ids["rosa"], "interaction_id": recorded["rosa"],
         "kind": "text", "result": "canvassed", "answers": {"support": "2", "volunteer": "yes"},
         "occurred_at": NOON}])  # fmt: skip
    assert len(follow_ups(rule["id"])) == 2

    sent_before = len(provider.received)
    assert run_task("follow-ups", at(4, 11, 59)) == {"done": 0, "skipped": 0, "waiting": 0}
    opt_out_phone(ann.person.phones[0].number, reason="Texted STOP")  # Ann opts out meanwhile
    # Due at noon on the 4th, but the worker was down until 21:30: Rosa's quiet hours.
    assert run_task("follow-ups", at(4, 21, 30)) == {"done": 0, "skipped": 1, "waiting": 1}
    db.session.refresh(rosa)
    assert rosa.due_at == at(5, 8) and rosa.status == FollowUpStatus.WAITING
    assert run_task("follow-ups", at(5, 8)) == {"done": 1, "skipped": 0, "waiting": 0}
    assert run_task("follow-ups", at(6, 8)) == {"done": 0, "skipped": 0, "waiting": 0}

    [text] = provider.received[sent_before:]
    assert text["Body"] == ("Thanks Rosa! A volunteer lead will call you. "
                            "Reply STOP to opt out.")  # fmt: skip
    db.session.refresh(ann)
    assert (ann.status, ann.reason) == (FollowUpStatus.SKIPPED, "no_textable_phone")
    counts = client.get(f"/api/v1/automation/rules/{rule['id']}", headers=director).get_json()
    assert counts["counts"] == {"entered": 2, "waiting": 0, "done": 1, "skipped": 1,
                                "skipped_by_reason": {"no_textable_phone": 1}}  # fmt: skip
    entry = db.session.scalar(select(Interaction).where(
        Interaction.person_id == world.person_ids["rosa"],
        Interaction.data["rule_id"].astext == str(rule["id"])))  # fmt: skip
    assert entry.kind == InteractionKind.TEXT and entry.occurred_at == at(5, 8)
    listed = client.get(f"/api/v1/automation/rules/{rule['id']}/follow-ups",
                        headers=director).get_json()  # fmt: skip
    assert {(f["person"]["first_name"], f["status"]) for f in listed["items"]} == {
        ("Rosa", "done"), ("Ann", "skipped")}  # fmt: skip


def test_conditions_are_read_when_it_is_due(client, director, texter, world, clock):
    rule = make_rule(client, director, name="Tag them", delay_minutes=60, action="add_tag",
                     action_params={"tag": "Thanked"},
                     conditions={"tags": {"none": ["no follow-up"]}})  # fmt: skip
    record_from_a_thread(client, director, texter, world, ["rosa", "sam"],
                         {"support": "1", "volunteer": "yes"})  # fmt: skip
    sam = db.session.get(Person, world.person_ids["sam"])
    sam.tags = [*sam.tags, "no follow-up"]  # an organiser's call, after the thread
    assert run_follow_ups(NOON + timedelta(minutes=61)) == {"done": 1, "skipped": 1, "waiting": 0}
    rosa = db.session.get(Person, world.person_ids["rosa"])
    db.session.refresh(rosa)
    assert "Thanked" in rosa.tags
    [skipped] = [f for f in follow_ups(rule["id"]) if f.status == FollowUpStatus.SKIPPED]
    assert (skipped.person_id, skipped.reason) == (sam.id, "conditions_not_met")
    note = db.session.scalar(select(Interaction).filter_by(person_id=rosa.id,
                                                           kind=InteractionKind.NOTE))  # fmt: skip
    assert note.summary == "Tag them: Tagged Thanked" and note.data["rule_id"] == rule["id"]


def test_a_rule_turned_off_or_a_knock_rolled_back_does_nothing(
    client, director, texter, world, clock, monkeypatch
):
    now = {"delay_minutes": 0}
    off = make_rule(client, director, name="Off", action="add_tag", action_params={"tag": "A"},
                    **now)  # fmt: skip
    voided = make_rule(client, director, name="Voided", action="add_tag",
                       action_params={"tag": "B"}, trigger_params={"results": ["refused"]},
                       **now)  # fmt: skip
    broken = make_rule(client, director, name="Broken", action="add_to_call_list",
                       action_params={"call_list_id": empty_call_list(client, director,
                                                                      "Broken")["id"]},
                       **now)  # fmt: skip
    recorded = record_from_a_thread(client, director, texter, world, ["rosa"],
                                    {"support": "1", "volunteer": "yes"})  # fmt: skip
    client.patch(f"/api/v1/automation/rules/{off['id']}", json={"is_active": False},
                 headers=director)  # fmt: skip
    refused = Interaction(organization_id=world.organization_id, person_id=world.person_ids["sam"],
                          kind=InteractionKind.DOOR_KNOCK, result="refused",
                          occurred_at=NOON, voided_at=NOON)  # fmt: skip
    db.session.add(refused)
    db.session.flush()
    contacts_recorded.send(world.organization_id, contacts=[
        {"person_id": refused.person_id, "interaction_id": refused.id, "kind": "door_knock",
         "result": "refused", "answers": {}, "occurred_at": NOON}])  # fmt: skip

    def fails(step):
        raise RuntimeError("the call list is on fire")

    action = registry.ACTIONS["add_to_call_list"]
    monkeypatch.setitem(registry.ACTIONS, "add_to_call_list",
                        registry.ActionKind(action.name, action.description, action.params,
                                            fails))  # fmt: skip
    assert run_follow_ups(NOON + timedelta(minutes=1)) == {"done": 0, "skipped": 3, "waiting": 0}
    reasons = {f.rule_id: f.reason for f in db.session.scalars(select(FollowUp))}
    assert reasons == {off["id"]: "rule_off", voided["id"]: "source_voided",
                       broken["id"]: "error"}  # fmt: skip
    assert recorded["rosa"]


def test_sign_ups_attendance_and_no_shows_reach_call_lists_and_organisers(
    client, director, organizer, world
):
    """Rules put people on the phone bank's own call lists: callers are handed them like
    anybody on a list, and a person is on one active list at a time."""
    now = datetime.now(UTC)
    signed, missed = (empty_call_list(client, organizer, name)
                      for name in ("New sign-ups", "Missed a shift"))  # fmt: skip
    make_rule(client, director, name="New", trigger="signup", trigger_params={}, delay_minutes=0,
              action="add_to_call_list", action_params={"call_list_id": signed["id"]})  # fmt: skip
    make_rule(client, director, name="Came", trigger="attended", trigger_params={},
              delay_minutes=0, action="create_task",
              action_params={"assignee_id": world.organizer_id,
                             "title": "Thank {{ first_name }} for {{ event_name }}"})  # fmt: skip
    missed_rule = make_rule(client, director, name="Missed", trigger="missed", trigger_params={},
                            delay_minutes=0, action="add_to_call_list",
                            action_params={"call_list_id": missed["id"]})  # fmt: skip
    shift = {"starts_at": now - timedelta(hours=1), "ends_at": now + timedelta(hours=1),
             "capacity": 10}  # fmt: skip
    actor = Actor.system(world.organization_id, "test")
    event = create_event(actor, {"name": "Phone bank", "kind": "phone_bank", "shifts": [shift]})
    people = {n: db.session.get(Person, world.person_ids[n]) for n in ("rosa", "sam")}
    seat = {"shift_ids": [event.shifts[0].id]}
    signups = {name: sign_up(event, seat, person=person, source="organizer", now=now)[0][0]
               for name, person in people.items()}  # fmt: skip
    # The same sign-up again (a double click): nobody enters twice.
    sign_up(event, seat, person=people["rosa"], source="organizer", now=now)
    check_in_signup(signups["rosa"], method=CheckInMethod.ROSTER)
    assert mark_no_shows(event, now + timedelta(hours=2)) == 1  # Sam
    # Sam is on "New sign-ups" already: one active list at a time, so not on the second.
    assert run_task("follow-ups", now + timedelta(hours=2)) == {"done": 3, "skipped": 1,
                                                                "waiting": 0}  # fmt: skip
    shown = client.get(f"/api/v1/automation/rules/{missed_rule['id']}", headers=director)
    assert shown.get_json()["counts"]["skipped"] == 1
    on = {row.call_list_id: row.person_id for row in db.session.scalars(
        select(CallListPerson).where(CallListPerson.call_list_id.in_([signed["id"],
                                                                      missed["id"]])))}  # fmt: skip
    listed = client.get(f"/api/v1/call-lists/{signed['id']}", headers=organizer).get_json()
    assert listed["people_count"] == 2 and missed["id"] not in on

    # A caller is handed them from the list like anybody else on it (at noon: calling hours).
    caller = Actor(world.organization_id, world.organizer_id, "test")
    handed = next_person(caller, db.session.get(CallList, signed["id"]), now=NOON)
    assert handed["person"]["person_id"] in {world.person_ids[n] for n in ("rosa", "sam")}

    # A rule pointing at a list that is closed is refused; one closed later skips.
    client.post(f"/api/v1/call-lists/{missed['id']}/close", headers=organizer)
    make_rule(client, director, status=422, name="Late", trigger="signup", trigger_params={},
              action="add_to_call_list", action_params={"call_list_id": missed["id"]})  # fmt: skip
    tasks = client.get("/api/v1/automation/tasks", headers=organizer).get_json()
    [task] = tasks["items"]
    assert task["title"] == "Thank Rosa for Phone bank" and task["person"]["first_name"] == "Rosa"
    theirs = client.post(f"/api/v1/automation/tasks/{task['id']}/done", headers=director)
    assert theirs.status_code == 200  # a director may close anybody's
    assert client.get("/api/v1/automation/tasks", headers=organizer).get_json()["total"] == 0
