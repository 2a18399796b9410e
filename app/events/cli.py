"""``doorstep reminders run``: one step of the reminder schedule, as the worker runs it."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import click
from flask import Flask
from flask.cli import with_appcontext

from app.audit.context import acting_as

log = logging.getLogger(__name__)


@click.group("reminders")
def reminders_group() -> None:
    """Volunteer reminders and event-change notices."""


def run_reminders_step(now: datetime | None = None) -> dict[str, int]:
    """Decide what is due, commit, then deliver what was queued (failures stay pending)."""
    from app.events.reminders import run_due_reminders
    from app.extensions import db
    from app.outreach.operations import deliver_after_commit

    try:
        counts = run_due_reminders(now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        db.session.info.pop("outbox_pending", None)
        raise
    deliver_after_commit()
    return counts


@reminders_group.command("run")
@click.option("--now", "now", default=None, help="ISO 8601 time to run as (default: now)")
@with_appcontext
def reminders_run_command(now: str | None) -> None:
    """Send the reminders and notices due now (each once; a missed stretch catches up)."""
    at = None
    if now:
        try:
            at = datetime.fromisoformat(now)
        except ValueError:
            raise click.BadParameter("expected ISO 8601, e.g. 2027-03-05T10:00:00-05:00") from None
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
    with acting_as("cli:reminders"):
        counts = run_reminders_step(at)
    click.echo(f"sent {counts['sent']}, skipped {counts['skipped']}")


def start_reminder_thread(app: Flask, poll_seconds: float) -> threading.Event:
    """Run the reminder step every ``poll_seconds`` beside the import jobs (which may take
    minutes: the reminders must not wait for them, nor they for the reminders). Set the
    returned event to stop it."""
    stop = threading.Event()

    def loop() -> None:
        with app.app_context(), acting_as("worker:reminders"):
            while not stop.is_set():
                try:
                    run_reminders_step()
                except Exception:
                    log.exception("reminder step failed; the next one catches up")
                stop.wait(poll_seconds)

    threading.Thread(target=loop, name="reminders", daemon=True).start()
    return stop
