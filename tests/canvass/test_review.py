"""A director holds, releases or rolls back one canvasser's sync batch: the knocks leave (and
come back to) progress, answers, tags and flags; the history keeps the record and the undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.canvass.models import SyncBatch
from app.extensions import db
from app.knocks.models import DoorKnock
from app.people.models import Interaction, InteractionKind, Person, SurveyAnswer
from tests.canvass.conftest import knock, person_at, sync
from tests.factories import auth_headers, create_organization, create_user


def answers_of(person_id: int) -> dict[str, str]:
    rows = select(SurveyAnswer.question, SurveyAnswer.answer).filter_by(person_id=person_id)
    return dict(db.session.execute(rows).all())


def progress(client, headers, walk_list) -> dict:
    body = client.get(f"/api/v1/walk-lists/{walk_list['id']}", headers=headers).get_json()
    return body["progress"]


def batch_of(body) -> int:
    knock_id = body["results"][0]["door_knock_id"]
    return db.session.scalar(select(DoorKnock.sync_batch_id).filter_by(id=knock_id))


def review(client, headers, batch_id, action, status=200, **body):
    response = client.post(
        f"/api/v1/canvass/batches/{batch_id}/{action}", json=body, headers=headers
    )
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_hold_takes_a_batch_out_and_release_puts_it_back(client, headers, phone, walk_list):
    fan, gone = person_at(walk_list, 0), person_at(walk_list, 1)
    body = sync(
        client, phone,
        knock(walk_list, 0, people=[{"person_id": fan, "answers": {
            "support": "1", "volunteer": "yes"}}]),
        knock(walk_list, 1, people=[{"person_id": gone, "result": "moved"}]),
    )  # fmt: skip
    batch_id = batch_of(body)
    assert progress(client, headers, walk_list)["knocked"] == 2
    assert answers_of(fan) == {"support": "1", "volunteer": "yes"}

    held = review(client, headers, batch_id, "hold", reason="doors 4 seconds apart")
    assert held["status"] == "held" and held["applied"] == 2
    assert held["review_reason"] == "doors 4 seconds apart"
    db.session.expire_all()
    assert progress(client, headers, walk_list)["knocked"] == 0
    assert answers_of(fan) == {}
    assert "volunteer prospect" not in db.session.get(Person, fan).tags
    assert not db.session.get(Person, gone).has_moved
    knocks = db.session.scalars(select(DoorKnock).filter_by(sync_batch_id=batch_id)).all()
    assert {k.status.value for k in knocks} == {"held"}
    history = db.session.scalars(
        select(Interaction).filter_by(person_id=fan, kind=InteractionKind.DOOR_KNOCK)
    ).all()
    assert len(history) == 1 and history[0].voided_at is not None  # kept, voided
    shown = client.get(f"/api/v1/people/{fan}/interactions", headers=headers).get_json()
    assert shown["items"][0]["voided_at"] is not None
    review(client, headers, batch_id, "hold", status=409, reason="again")

    released = review(client, headers, batch_id, "release")
    assert released["status"] == "applied"
    db.session.expire_all()
    assert progress(client, headers, walk_list)["knocked"] == 2
    assert answers_of(fan) == {"support": "1", "volunteer": "yes"}
    assert "volunteer prospect" in db.session.get(Person, fan).tags
    assert db.session.get(Person, gone).has_moved
    actions = db.session.scalars(
        select(AuditEvent.action).filter_by(entity_type="sync_batches", entity_id=str(batch_id))
    ).all()
    assert sorted(actions) == ["sync_batch.hold", "sync_batch.release"]


def test_a_rollback_is_final_and_noted_in_each_history(client, headers, phone, walk_list):
    person_id = person_at(walk_list, 0)
    records = [knock(walk_list, 0, result="not_home")]
    batch_id = batch_of(sync(client, phone, *records))
    rolled = review(client, headers, batch_id, "rollback", reason="never left the car")
    assert rolled["status"] == "rolled_back"
    db.session.expire_all()
    history = db.session.scalars(
        select(Interaction).filter_by(person_id=person_id).order_by(Interaction.id)
    ).all()
    knocked, note = [i for i in history if i.kind in (InteractionKind.DOOR_KNOCK,
                                                     InteractionKind.NOTE)]  # fmt: skip
    assert knocked.voided_at is not None
    assert note.kind == InteractionKind.NOTE and "never left the car" in note.summary
    assert note.data["rolled_back_interaction_id"] == knocked.id
    assert progress(client, headers, walk_list)["knocked"] == 0
    error = review(client, headers, batch_id, "release", status=409)
    assert error["error"]["code"] == "batch_rolled_back"
    # The batch sent again is a duplicate: the rolled-back knock does not come back.
    assert sync(client, phone, *records)["duplicates"] == 1
    assert progress(client, headers, walk_list)["knocked"] == 0


def test_a_held_batch_hands_the_days_answer_back_to_the_earlier_knock(
    client, headers, phone, walk_list
):
    person_id = person_at(walk_list, 0)
    now = datetime.now(UTC)
    first = knock(walk_list, 0, client_at=(now - timedelta(minutes=20)).isoformat(),
                  people=[{"person_id": person_id, "answers": {"support": "2"}}])  # fmt: skip
    second = knock(walk_list, 0, client_at=(now - timedelta(minutes=2)).isoformat(),
                   people=[{"person_id": person_id, "answers": {"support": "5"}}])  # fmt: skip
    sync(client, phone, first)
    later = batch_of(sync(client, phone, second))
    assert answers_of(person_id) == {"support": "5"}
    review(client, headers, later, "hold", reason="check")
    assert answers_of(person_id) == {"support": "2"}
    review(client, headers, later, "release")
    assert answers_of(person_id) == {"support": "5"}


def test_a_flag_another_knock_also_set_stays(client, headers, phone, walk_list):
    person_id = person_at(walk_list, 0)
    first = batch_of(sync(client, phone, knock(walk_list, 0, result="moved")))
    sync(client, phone, knock(walk_list, 0, result="moved"))  # a second canvasser agrees
    review(client, headers, first, "rollback", reason="wrong list")
    db.session.expire_all()
    assert db.session.get(Person, person_id).has_moved


def test_batches_list_by_canvasser_and_status(client, org, headers, phone, walk_list, canvasser):
    kept = batch_of(sync(client, phone, knock(walk_list, 0, result="not_home")))
    held = batch_of(sync(client, phone, knock(walk_list, 1, result="not_home")))
    replay = sync(client, phone, knock(walk_list, 1, result="not_home"))
    assert replay["applied"] == 1
    review(client, headers, held, "hold", reason="check")

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/canvass/batches?{query}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return [b["id"] for b in response.get_json()["items"]]

    every = ids(f"user_id={canvasser.id}")
    assert len(every) == 3 and every[-1] == kept  # newest first
    assert ids("status=held") == [held]
    other = create_user(org, Role.CANVASSER)
    assert ids(f"user_id={other.id}") == []
    assert db.session.get(SyncBatch, kept).device_id == "phone-1"


def test_a_canvasser_cannot_review_and_other_campaigns_see_nothing(client, org, phone, walk_list):
    batch_id = batch_of(sync(client, phone, knock(walk_list, 0, result="not_home")))
    review(client, phone, batch_id, "hold", status=403, reason="mine")
    stranger = auth_headers(create_user(create_organization(), Role.DIRECTOR))
    error = review(client, stranger, batch_id, "hold", status=404, reason="theirs")
    assert error["error"]["code"] == "batch_not_found"
    director = auth_headers(create_user(org, Role.DIRECTOR))
    review(client, director, batch_id, "hold", status=422)  # no reason given
