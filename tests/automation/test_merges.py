"""Two people merged: their text threads and what rules were doing for them go on with the
kept person, but for a campaign that texted both (the merged-away thread stays, as history)."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.models import User
from app.automation.models import FollowUp
from app.core.actor import Actor
from app.extensions import db
from app.people.merging import merge_people
from app.people.models import Person
from app.texting.models import Conversation
from tests.automation.conftest import make_rule
from tests.automation.test_follow_ups import record_from_a_thread
from tests.factories import create_person


def test_threads_and_follow_ups_follow_a_merge(client, director, texter, world, org, clock):
    rule = make_rule(client, director)
    record_from_a_thread(client, director, texter, world, ["sam", "rosa"],
                         {"support": "1", "volunteer": "yes"})  # fmt: skip
    zed = create_person(org, first_name="Zed", last_name="Voter")
    actor = Actor.of(db.session.get(User, world.director_id))
    sam, rosa = (db.session.get(Person, world.person_ids[n]) for n in ("sam", "rosa"))
    merge_people(actor, zed, sam)
    merge_people(actor, zed, rosa)  # the campaign texted Sam too: Rosa's thread stays hers

    threads = select(Conversation.person_id, Conversation.number).where(
        Conversation.person_id.in_((zed.id, rosa.id))
    )
    owners = dict(db.session.execute(threads).all())
    assert owners == {zed.id: "+12155550102", rosa.id: "+12155550101"}
    followed = db.session.scalars(select(FollowUp.person_id).filter_by(rule_id=rule["id"])).all()
    assert sorted(followed) == [zed.id, zed.id]  # two events, each entered once
