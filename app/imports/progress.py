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
