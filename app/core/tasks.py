"""The registry of periodic tasks that ``doorstep worker`` runs (app/worker.py).

A room registers its task where the task lives (``@periodic_task("reminders", ...)``); the
worker runs each one when it is due, each in its own unit of work. A task takes the time to
run as (``now``), so a test can travel in time, and returns counts for the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.transactions import unit_of_work

log = logging.getLogger(__name__)

TaskRun = Callable[[datetime], dict[str, int]]

#: The worker's database connections carry this application_name, so ``doorstep check`` sees
#: a live worker in pg_stat_activity (no heartbeat table to write).
WORKER_APPLICATION_NAME = "doorstep-worker"


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    every: timedelta
    run: TaskRun


PERIODIC_TASKS: dict[str, PeriodicTask] = {}


def periodic_task(name: str, *, every: timedelta) -> Callable[[TaskRun], TaskRun]:
    """Register ``run`` to be run by the worker every ``every``."""

    def register(run: TaskRun) -> TaskRun:
        if name in PERIODIC_TASKS and PERIODIC_TASKS[name].run is not run:
            raise ValueError(f"periodic task {name!r} is registered twice")
        PERIODIC_TASKS[name] = PeriodicTask(name, every, run)
        return run

    return register


def run_task(name: str, now: datetime) -> dict[str, int]:
    """Run one registered task in its own unit of work (commit, then deliver)."""
    with unit_of_work():
        return PERIODIC_TASKS[name].run(now)


def run_due_tasks(now: datetime, last_runs: dict[str, datetime]) -> dict[str, dict[str, int]]:
    """Run every task due at ``now`` (never run, or ``every`` since its last run); a failing
    task is logged and tried again on its next turn, and the others still run."""
    done = {}
    for name, task in sorted(PERIODIC_TASKS.items()):
        last = last_runs.get(name)
        if last is not None and now - last < task.every:
            continue
        last_runs[name] = now
        try:
            done[name] = run_task(name, now)
        except Exception:
            log.exception("periodic task %s failed; its next turn tries again", name)
    return done
