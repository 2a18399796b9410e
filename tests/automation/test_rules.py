"""Rules a director writes: trigger and action kinds from the registry, each kind's params
checked, templates with the merge fields the trigger gives, an organiser to give tasks to."""

from __future__ import annotations

import pytest

from app.core import signals
from tests.automation.conftest import make_rule


def test_the_kinds_say_what_this_server_has(client, director):
    kinds = client.get("/api/v1/automation/kinds", headers=director).get_json()
    triggers = {kind["name"]: kind for kind in kinds["triggers"]}
    assert {"contact", "signup", "attended", "missed", "donation", "email_click"} <= set(triggers)
    assert triggers["contact"]["available"] and triggers["attended"]["fields"] == ["event_name"]
    # Triggers whose signal another room sends are there the day that room is.
    assert triggers["donation"]["available"] is hasattr(signals, "donation_recorded")
    assert triggers["email_click"]["available"] is hasattr(signals, "email_clicked")
    assert {kind["name"] for kind in kinds["actions"]} == {
        "send_text", "send_email", "add_tag", "add_to_call_list", "create_task"}  # fmt: skip


@pytest.mark.parametrize(("fields", "code", "field"), [
    ({"trigger": "moon_phase"}, "unknown_trigger", "trigger"),
    ({"action": "send_pigeon"}, "unknown_action", "action"),
    ({"trigger_params": {"answers": {"support": "1"}}}, "validation_error",
     "trigger_params.answers"),
    ({"trigger_params": {"colour": "red"}}, "validation_error", "trigger_params.colour"),
    ({"action_params": {"body": "Hi {{ nickname }}"}}, "template_invalid", "action_params.body"),
    # event_name comes with the event triggers, not with a door knock
    ({"action_params": {"body": "See you at {{ event_name }}"}}, "template_invalid",
     "action_params.body"),
    ({"action_params": {}}, "validation_error", "action_params.body"),
    ({"conditions": {"party": "D"}}, "validation_error", "conditions"),
    ({"delay_minutes": -5}, "validation_error", "delay_minutes"),
])  # fmt: skip
def test_a_bad_rule_is_refused_naming_the_field(client, director, fields, code, field):
    error = make_rule(client, director, status=422, **fields)["error"]
    assert error["code"] == code
    assert any(name.startswith(field) for name in error["fields"]), error


def test_tasks_go_to_organisers_only(client, director, world):
    task = {"title": "Call {{ first_name }} about {{ event_name }}"}
    refused = make_rule(client, director, status=422, trigger="attended", action="create_task",
                        trigger_params={},
                        action_params={**task, "assignee_id": world.texter_ids[0]})  # fmt: skip
    assert refused["error"]["code"] == "assignee_not_found"
    rule = make_rule(client, director, trigger="attended", action="create_task", trigger_params={},
                     action_params={**task, "assignee_id": world.organizer_id})  # fmt: skip
    assert rule["action_params"]["notes"] == "" and rule["counts"]["entered"] == 0


def test_a_rule_is_changed_turned_off_and_its_name_kept_unique(client, director):
    rule = make_rule(client, director)
    make_rule(client, director, name="Other")
    url = f"/api/v1/automation/rules/{rule['id']}"
    taken = client.patch(url, json={"name": "Other"}, headers=director)
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "rule_name_taken"
    off = client.patch(url, json={"is_active": False, "delay_minutes": 60}, headers=director)
    assert off.get_json()["is_active"] is False and off.get_json()["delay_minutes"] == 60
    # Another trigger: the old trigger's params do not come along.
    moved = client.patch(url, json={"trigger": "signup"}, headers=director).get_json()
    assert moved["trigger"] == "signup" and moved["trigger_params"] == {}
    listed = client.get("/api/v1/automation/rules?trigger=signup", headers=director).get_json()
    assert [r["id"] for r in listed["items"]] == [rule["id"]]
