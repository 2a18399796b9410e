"""Progress of a running import, written from its own connection so the API sees it live.

The import's data goes in one transaction that nobody else sees until it commits; this
writer commits a small progress row every second beside it (and a heartbeat, so a job whose
worker died is noticed and marked failed).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Engine

WRITE_EVERY_SECONDS = 1.0
# A voter import's phases in order, with the share of a first import's time each takes
# (bench/import_voters.py, 150,000 and 2,000,000 voters): reading the file is only the start.
VOTER_PHASES = {
    "reading": 0.14,
    "checking rows": 0.07,
    "matching homes": 0.11,
    "matching people": 0.07,
    "unpacking votes": 0.05,
    "writing people": 0.32,
    "writing votes": 0.07,
    "removed and history": 0.11,
    "search columns": 0.02,
    "analyze": 0.04,
}


def voter_import_done(phase: str, read_fraction: float) -> tuple[float, int] | None:
    """How much of a voter import is done (0-1) and the phase's number (1-10), from its
    phase and the share of the file read; None for a phase that is not a voter import's."""
    if phase not in VOTER_PHASES:
        return None
    names = list(VOTER_PHASES)
    before = sum(VOTER_PHASES[name] for name in names[: names.index(phase)])
    within = VOTER_PHASES[phase] * read_fraction if phase == "reading" else 0.0
    return min(before + within, 1.0), names.index(phase) + 1


class JobProgress:
    def __init__(
        self,
        engine: Engine | None,
        job_id: int,
        *,
        total_bytes: int = 0,
        on_change: Callable[[JobProgress], None] | None = None,
    ):
        self.engine = engine
        self.job_id = job_id
        self.total_bytes = total_bytes
        self.on_change = on_change
        self.phase = "reading"
        self.bytes_read = 0
        self.rows_read = 0
        self.rows_rejected = 0
        self.started = self._phase_started = time.monotonic()
        self.phase_seconds: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # Called by the import as it goes.
    def update(
        self,
        *,
        bytes_read: int | None = None,
        rows_read: int | None = None,
        rows_rejected: int | None = None,
        phase: str | None = None,
    ) -> None:
        if bytes_read is not None:
            self.bytes_read = bytes_read
        if rows_read is not None:
            self.rows_read = rows_read
        if rows_rejected is not None:
            self.rows_rejected = rows_rejected
        if phase is not None and phase != self.phase:
            now = time.monotonic()
            self.phase_seconds[self.phase] = round(now - self._phase_started, 2)
            self.phase, self._phase_started = phase, now
        if self.on_change is not None:
            self.on_change(self)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def __enter__(self) -> JobProgress:
        if self.engine is not None:
            self._thread = threading.Thread(
                target=self._run, name=f"import-{self.job_id}", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            while not self._stop.wait(WRITE_EVERY_SECONDS):
                conn.execute(
                    text(
                        "UPDATE import_jobs SET phase = :phase, bytes_read = :bytes_read,"
                        " rows_read = :rows_read, rows_rejected = :rows_rejected,"
                        " heartbeat_at = now() WHERE id = :id AND status = 'running'"
                    ),
                    {
                        "phase": self.phase,
                        "bytes_read": self.bytes_read,
                        "rows_read": self.rows_read,
                        "rows_rejected": self.rows_rejected,
                        "id": self.job_id,
                    },
                )
