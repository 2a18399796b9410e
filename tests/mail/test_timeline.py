"""The person's timeline holds every channel in one list, and filters by channel."""

from __future__ import annotations

from app.extensions import db
from app.people.models import Interaction, InteractionKind
from tests.mail.conftest import make_drop

EVERY = {
    InteractionKind.DOOR_KNOCK: "door",
    InteractionKind.CALL: "phone",
    InteractionKind.TEXT: "text",
    InteractionKind.EMAIL: "email",
    InteractionKind.EVENT_ATTENDANCE: "event",
    InteractionKind.DONATION: "donation",
}


def test_one_history_of_every_channel_with_a_filter(client, world, headers):
    person_id = world.people["KIM"]
    for kind in EVERY:
        db.session.add(Interaction(organization_id=world.organization_id, person_id=person_id,
                                   kind=kind, summary=kind.value))  # fmt: skip
    db.session.flush()
    drop = make_drop(client, headers)
    client.post(f"/api/v1/mail-drops/{drop['id']}/mailed", json={"mailed_on": "2026-10-01"},
                headers=headers)  # fmt: skip
    url = f"/api/v1/people/{person_id}/interactions"
    everything = client.get(url, headers=headers).get_json()["items"]
    assert {item["kind"] for item in everything} == {k.value for k in EVERY} | {"mail"}
    some = client.get(url + "?channel=mail,phone,event", headers=headers).get_json()["items"]
    assert sorted(item["kind"] for item in some) == ["call", "event_attendance", "mail"]
    bad = client.get(url + "?channel=fax", headers=headers)
    assert bad.status_code == 422 and "channel.0" in bad.get_json()["error"]["fields"]
