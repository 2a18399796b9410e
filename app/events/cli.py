"""``doorstep reminders run``: one step of the reminder schedule, as the worker runs it."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

from app.audit.context import acting_as
from app.core.transactions import unit_of_work
from app.events.reminders import run_due_reminders


@click.group("reminders")
def reminders_group() -> None:
    """Volunteer reminders and event-change notices."""


def run_reminders_step(now: datetime | None = None) -> dict[str, int]:
    """Decide what is due, commit, then deliver what was queued (failures stay pending)."""
    with unit_of_work():
        return run_due_reminders(now)


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
