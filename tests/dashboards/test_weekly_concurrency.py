"""Two weekly-summary workers at the same instant, for real (threads, each with its own
session, on a committed database): each recipient's summary is claimed and queued once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy import select

from app.auth.permissions import Role
from app.core.actor import Actor
from app.dashboards.models import WeeklySummarySend
from app.dashboards.weekly import send_weekly_summaries, set_weekly_summary
from app.extensions import db
from app.outreach.models import OutboundMessage
from tests.events.test_concurrency import at_once, committed  # noqa: F401 - its fixture
from tests.factories import create_organization, create_user

pytestmark = pytest.mark.concurrency

MONDAY = datetime(2027, 6, 7, 13, 30, tzinfo=UTC)  # 09:30 in Philadelphia
ROUNDS = 3


def test_two_workers_at_once_send_each_summary_once(committed):  # noqa: F811
    def seed() -> list[str]:
        org = create_organization("Two Workers")
        staff = [create_user(org, role) for role in (Role.DIRECTOR, Role.ORGANIZER,
                                                     Role.FINANCE, Role.ADMIN)]  # fmt: skip
        set_weekly_summary(Actor.of(staff[0]), recipient_ids=[u.id for u in staff], weekday=0,
                           hour=9, enabled=True)  # fmt: skip
        return sorted(u.email for u in staff)

    emails = committed.run(seed)
    sent = []
    for _ in range(ROUNDS):
        worker = partial(send_weekly_summaries, MONDAY)
        results = at_once(committed.app, worker, worker)
        assert not [r for r in results if isinstance(r, Exception)], results
        sent += [r["sent"] for r in results]
    assert sum(sent) == len(emails)

    def stored():
        claims = db.session.scalars(select(WeeklySummarySend.message_id)).all()
        kinds = db.session.scalars(
            select(OutboundMessage.recipient).where(OutboundMessage.kind == "weekly_summary")
        ).all()
        return claims, kinds

    claims, recipients = committed.run(stored)
    assert len(claims) == len(emails) and None not in claims
    assert Counter(recipients) == Counter(emails)  # one message each, nothing twice
