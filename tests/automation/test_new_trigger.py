"""A new trigger is one registered function: a signal another room sends (here a made-up
``petition_signed``) starts rules through the same engine, unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from blinker import Namespace

from app.automation import registry
from app.automation.engine import run_follow_ups
from app.automation.triggers import EventParams, trigger
from app.core import signals
from app.extensions import db
from app.people.models import Person
from tests.automation.conftest import empty_call_list, make_rule


@pytest.fixture
def petition_signed(monkeypatch):
    signal = Namespace().signal("petition-signed")
    monkeypatch.setattr(signals, "petition_signed", signal, raising=False)
    try:
        yield signal
    finally:
        registry.TRIGGERS.pop("petition", None)


def test_a_trigger_added_later_needs_no_engine_change(client, director, world, petition_signed):
    @trigger("petition", signal="petition_signed", params=EventParams,
             matches=lambda params, facts: True, description="Signed a petition",
             fields=("petition",))  # fmt: skip
    def _signed(person, *, petition, at):
        return [registry.TriggerEvent(person.organization_id, person.id, f"petition:{petition}",
                                      at, {"petition": petition})]  # fmt: skip

    rule = make_rule(client, director, name="Petitioners", trigger="petition", trigger_params={},
                     delay_minutes=10, action="add_to_call_list",
                     action_params={"call_list_id": empty_call_list(
                         client, director, "Petitioners")["id"]})  # fmt: skip
    rosa = db.session.get(Person, world.person_ids["rosa"])
    now = datetime.now(UTC)
    assert petition_signed.send(rosa, petition="Save the library", at=now) != []
    petition_signed.send(rosa, petition="Save the library", at=now)  # told twice
    assert run_follow_ups(now + timedelta(minutes=9)) == {"done": 0, "skipped": 0, "waiting": 0}
    assert run_follow_ups(now + timedelta(minutes=10)) == {"done": 1, "skipped": 0, "waiting": 0}
    shown = client.get(f"/api/v1/automation/rules/{rule['id']}", headers=director).get_json()
    assert shown["counts"]["done"] == 1


def test_a_broken_trigger_never_breaks_what_happened(petition_signed, db_session, world, caplog):
    @trigger("petition", signal="petition_signed", params=EventParams,
             matches=lambda params, facts: True, description="Signed a petition")  # fmt: skip
    def _broken(person, **told):
        raise RuntimeError("no such petition")

    rosa = db.session.get(Person, world.person_ids["rosa"])
    assert petition_signed.send(rosa, petition="x")[0][1] == 0
    assert "follow-up rules missed a petition event" in caplog.text
    db.session.flush()  # the session is still usable
