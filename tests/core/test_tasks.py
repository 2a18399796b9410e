"""The periodic-task registry the worker runs, and the one unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core import tasks
from app.core.signals import after_commit, after_rollback
from app.core.transactions import unit_of_work
from app.extensions import db
from app.outreach.models import Channel, MessageStatus, OutboundMessage
from app.outreach.operations import queue_message
from tests.factories import create_organization

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)


def test_create_app_registers_every_periodic_task(app):
    assert set(tasks.PERIODIC_TASKS) == {"reminders", "sign-in-cleanup", "upload-cleanup",
                                         "backup", "best-efforts", "texting-broadcasts",
                                         "follow-ups", "mailings", "webhooks",
                                         "webhook-cleanup", "excess-cures",
                                         "weekly-summary"}  # fmt: skip


@pytest.fixture
def only(monkeypatch):
    """Replace the registry with the tasks a test names."""
    registry: dict[str, tasks.PeriodicTask] = {}
    monkeypatch.setattr(tasks, "PERIODIC_TASKS", registry)
    return registry


def test_a_task_runs_when_due_and_not_before(db_session, only):
    runs = []
    tasks.periodic_task("tick", every=timedelta(hours=1))(lambda now: runs.append(now) or {})
    last: dict[str, datetime] = {}
    for minutes in (0, 30, 59, 60, 90, 120):
        tasks.run_due_tasks(NOW + timedelta(minutes=minutes), last)
    assert runs == [NOW, NOW + timedelta(minutes=60), NOW + timedelta(minutes=120)]


def test_a_failing_task_does_not_stop_the_others(db_session, only, caplog):
    def broken(now):
        raise RuntimeError("disk full")

    tasks.periodic_task("a-broken", every=timedelta(0))(broken)
    tasks.periodic_task("b-fine", every=timedelta(0))(lambda now: {"done": 1})
    assert tasks.run_due_tasks(NOW, {}) == {"b-fine": {"done": 1}}
    assert "periodic task a-broken failed" in caplog.text


def test_a_name_registered_twice_is_refused(only):
    tasks.periodic_task("twice", every=timedelta(0))(lambda now: {})
    with pytest.raises(ValueError, match="registered twice"):
        tasks.periodic_task("twice", every=timedelta(0))(lambda now: {})


def test_unit_of_work_commits_then_delivers(db_session):
    org = create_organization()
    heard = []
    after_commit.connect(receiver := lambda session: heard.append("commit"))
    try:
        with unit_of_work():
            message = queue_message(organization_id=org.id, channel=Channel.EMAIL,
                                    recipient="x@example.org", body="hi", kind="test")  # fmt: skip
    finally:
        after_commit.disconnect(receiver)
    assert heard == ["commit"]
    db.session.refresh(message)
    assert message.status == MessageStatus.SENT  # outreach delivered it after the commit


def test_unit_of_work_rolls_back_and_drops_pending_deliveries(db_session):
    org = create_organization()
    db.session.commit()
    heard = []
    after_rollback.connect(receiver := lambda session: heard.append("rollback"))
    try:
        with pytest.raises(RuntimeError), unit_of_work():
            queue_message(organization_id=org.id, channel=Channel.EMAIL,
                          recipient="y@example.org", body="hi", kind="test")  # fmt: skip
            raise RuntimeError("the work failed")
    finally:
        after_rollback.disconnect(receiver)
    assert heard == ["rollback"]
    assert "outbox_pending" not in db.session.info
    assert db.session.scalar(select(OutboundMessage).filter_by(recipient="y@example.org")) is None
