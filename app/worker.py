"""``doorstep worker``: runs queued import jobs and the registered periodic tasks.

Periodic tasks (``app.core.tasks``: reminders, the clean-ups) run in a thread of their own,
so an hour-long voter file never holds up a reminder, nor a reminder a file. Each job and each
task is its own unit of work (commit, then deliver what waited for the commit). docs/worker.md
says why this is a hand-written runner and not a task-queue library.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.audit.context import acting_as
from app.core.tasks import WORKER_APPLICATION_NAME, run_due_tasks
from app.extensions import db
from app.imports.jobs import run_next_job, summary_line
from app.universes.targeting_build import rebuild_stale_targeting

log = logging.getLogger(__name__)


def start_periodic_thread(app: Flask, poll_seconds: float) -> threading.Event:
    """Run the due periodic tasks every ``poll_seconds``; set the returned event to stop."""
    stop = threading.Event()

    def loop() -> None:
        last_runs: dict[str, datetime] = {}
        with app.app_context(), acting_as("worker:tasks"):
            while not stop.is_set():
                run_due_tasks(datetime.now(UTC), last_runs)
                stop.wait(poll_seconds)

    threading.Thread(target=loop, name="periodic-tasks", daemon=True).start()
    return stop


def _name_connection(_dialect, _record, _args, params: dict) -> None:
    params["application_name"] = WORKER_APPLICATION_NAME


def name_worker_connections(engine: sa.Engine) -> None:
    """Name the connections this process opens from now on as the worker's."""
    if not sa.event.contains(engine, "do_connect", _name_connection):
        sa.event.listen(engine, "do_connect", _name_connection)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the periodic tasks and the queued jobs, then exit")
@click.option("--poll-seconds", default=2.0, show_default=True)
@with_appcontext
def worker_command(once: bool, poll_seconds: float) -> None:
    """Run queued imports and the periodic tasks (reminders, clean-ups) in the background
    (bin/start starts one beside the web server)."""
    if not once:
        name_worker_connections(db.engine)
    if once:
        with acting_as("worker:tasks"):
            run_due_tasks(datetime.now(UTC), {})
    else:
        start_periodic_thread(current_app._get_current_object(), poll_seconds)
    with acting_as("worker:imports"):
        while True:
            job = run_next_job()
            if job is not None:
                click.echo(summary_line(job))
                continue
            # Idle: the universes' targeting sets of campaigns whose people changed.
            rebuild_stale_targeting()
            if once:
                return
            time.sleep(poll_seconds)
