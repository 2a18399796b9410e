"""A voter import's progress counts its phases: the file read is only the start of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.imports.models import ImportJob, ImportKind, JobStatus
from app.imports.progress import VOTER_PHASES, voter_import_done
from app.imports.queries import job_progress


def running(kind: ImportKind, phase: str, bytes_read: int) -> ImportJob:
    started = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    return ImportJob(
        kind=kind,
        phase=phase,
        status=JobStatus.RUNNING,
        file_size=1000,
        bytes_read=bytes_read,
        rows_read=5000,
        started_at=started,
        heartbeat_at=started + timedelta(seconds=10),
    )


def test_the_phases_add_up_and_only_go_forward():
    assert sum(VOTER_PHASES.values()) == pytest.approx(1.0)
    done = [voter_import_done(phase, 1.0 if i else 0.0)[0] for i, phase in enumerate(VOTER_PHASES)]
    assert done == sorted(done) and done[0] == 0.0 and done[-1] < 1.0
    assert voter_import_done("reading", 0.5)[0] == pytest.approx(VOTER_PHASES["reading"] / 2)
    assert voter_import_done("matching streets", 0.5) is None  # an address-point import's


def test_a_voter_import_past_reading_is_not_shown_as_nearly_done():
    job = running(ImportKind.VOTERS, "writing people", bytes_read=1000)
    progress = job_progress(job)
    assert (progress["phase_number"], progress["phase_count"]) == (6, 10)
    assert 40 < progress["percent"] < 60
    assert progress["eta_seconds"] == pytest.approx(
        10 * (100 - progress["percent"]) / progress["percent"], 0.01
    )


def test_other_imports_count_bytes():
    progress = job_progress(running(ImportKind.AREAS, "reading", bytes_read=250))
    assert (progress["percent"], progress["phase_number"], progress["phase_count"]) == (
        25.0,
        None,
        None,
    )
