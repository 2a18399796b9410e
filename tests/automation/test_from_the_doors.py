"""Door knocks synced from the canvassing app start follow-up rules (``contacts_recorded``,
once per batch): a retried sync enters nobody twice, and a batch a director rolls back before
the follow-up is due starts nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.automation.engine import run_follow_ups
from app.automation.models import FollowUp, FollowUpStatus
from app.extensions import db
from app.knocks.models import DoorKnock
from app.people.models import Person
from tests.automation.conftest import make_rule
from tests.canvass.conftest import (  # noqa: F401 - fixtures
    canvasser,
    cut,
    director,
    headers,
    knock,
    org,
    person_at,
    phone,
    sync,
    town,
    town_world,
    walk_list,
)

VOLUNTEER = {"support": "1", "volunteer": "yes"}


def test_knocks_start_rules_once_and_a_rollback_stops_them(client, headers, phone, walk_list):  # noqa: F811
    rule = make_rule(client, headers, delay_minutes=30, action="add_tag",
                     action_params={"tag": "Call to volunteer"})  # fmt: skip
    fan, other = person_at(walk_list, 0), person_at(walk_list, 1)
    record = knock(walk_list, 0, people=[{"person_id": fan, "answers": VOLUNTEER}])
    sync(client, phone, record, knock(walk_list, 1, result="not_home"))
    sync(client, phone, record)  # the phone lost the answer and sends it again
    [entered] = db.session.scalars(select(FollowUp).filter_by(rule_id=rule["id"])).all()
    assert entered.person_id == fan and entered.facts["answers"] == VOLUNTEER

    late = knock(walk_list, 1, people=[{"person_id": other, "answers": VOLUNTEER}])
    body = sync(client, phone, late)
    batch = db.session.scalar(select(DoorKnock.sync_batch_id).filter_by(
        id=body["results"][0]["door_knock_id"]))  # fmt: skip
    rolled = client.post(f"/api/v1/canvass/batches/{batch}/rollback",
                         json={"reason": "never left the car"}, headers=headers)  # fmt: skip
    assert rolled.status_code == 200, rolled.get_json()

    soon = datetime.now(UTC) + timedelta(minutes=31)
    assert run_follow_ups(soon) == {"done": 1, "skipped": 1, "waiting": 0}
    statuses = {f.person_id: (f.status, f.reason) for f in db.session.scalars(select(FollowUp))}
    assert statuses == {fan: (FollowUpStatus.DONE, None),
                        other: (FollowUpStatus.SKIPPED, "source_voided")}  # fmt: skip
    db.session.expire_all()
    assert "Call to volunteer" in db.session.get(Person, fan).tags
