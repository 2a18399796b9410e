"""Broadcasts by time travel: only phones with recorded consent for texts get one, the worker
sends each outside its recipient's quiet hours (waiting for their morning), and an opt-out
between the start and the send is honoured."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.core.tasks import run_task
from app.extensions import db
from app.outreach.models import Channel, OutboundMessage
from app.people.sms import opt_out_phone
from app.texting.models import Conversation, ConversationStatus
from tests.texting.conftest import NEW_YORK, started


def test_a_broadcast_waits_for_the_morning_and_honours_a_stop(
    client, director, world, provider, clock
):
    started(client, director, world, kind="broadcast", name="Polls open",
                       first_message="{{ first_name | default('Friend') }}, polls are open "
                       "7am-8pm tomorrow!")  # fmt: skip
    conversations = db.session.scalars(select(Conversation).order_by(Conversation.id)).all()
    names = {n for n, i in world.person_ids.items() if i in {c.person_id for c in conversations}}
    assert names == {"rosa", "ann", "eve"}  # Sam and Lee never agreed to texts

    night = datetime(2027, 3, 2, 23, 0, tzinfo=NEW_YORK)
    assert run_task("texting-broadcasts", night) == {"sent": 0, "skipped": 0, "waiting": 3}
    morning = datetime(2027, 3, 3, 8, 0, tzinfo=NEW_YORK)
    waiting = db.session.scalars(select(Conversation.not_before)).all()
    assert set(waiting) == {morning}
    assert run_task("texting-broadcasts", night.replace(hour=23, minute=30))["sent"] == 0

    rosa = next(c for c in conversations if c.person_id == world.person_ids["rosa"])
    opt_out_phone(rosa.number, reason="Texted STOP")
    assert run_task("texting-broadcasts", morning) == {"sent": 2, "skipped": 1, "waiting": 0}
    assert len(provider.received) == 2
    assert all(text["Body"].endswith("Reply STOP to opt out.") for text in provider.received)
    db.session.refresh(rosa)
    assert (rosa.status, rosa.closed_reason) == (ConversationStatus.OPTED_OUT, "opted_out")
    kinds = db.session.scalars(select(OutboundMessage.kind).filter_by(channel=Channel.SMS)).all()
    assert kinds == ["texting.broadcast"] * 2
    assert run_task("texting-broadcasts", morning) == {"sent": 0, "skipped": 0, "waiting": 0}
