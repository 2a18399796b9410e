"""The whole shared West Philadelphia file (149,719 voters) through the real import.

Slow (two minutes or so). Reads ../shared/data/philadelphia, which exists in CI and on the team's
machines: without it the test skips, unless CI is set, when it fails. Only counts are asserted
and printed, never a voter's row.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.areas.queries import precinct_check
from app.extensions import db
from app.imports.jobs import create_job, run_job
from app.imports.models import ImportJob, ImportKind, ImportReject, JobStatus
from app.people.models import Person
from app.voters.models import Address, Household

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "philadelphia"
VOTERS = SHARED / "voters_pa_export_west.csv.gz"
ELECTIONS = SHARED / "election_lookup.json"
DIVISIONS = SHARED / "divisions_2022.geojson.gz"

ROWS = 149_719  # data rows of the file (README)
HOUSEHOLDS = 79_916  # distinct residential units (README)

pytestmark = pytest.mark.slow


def require_shared_files() -> None:
    """Skip without the shared folder; fail instead when CI is set (it must be there)."""
    missing = [path.name for path in (VOTERS, ELECTIONS, DIVISIONS) if not path.exists()]
    if not missing:
        return
    message = f"the shared data folder {SHARED} lacks {', '.join(missing)}"
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(f"CI is set, so {message}: it must be present in CI.")
    pytest.skip(message)


def run_import(org_id: int, kind: ImportKind, path: Path, layout: str, options: dict) -> ImportJob:
    """Create the job, commit, run it, commit, as the worker does (no progress thread).

    Under the test harness a commit only releases a savepoint, so the import's ON COMMIT DROP
    temporary tables are dropped by hand, as a real commit would.
    """
    job = create_job(org_id, kind, path, layout=layout, options=options)
    db.session.commit()
    job = run_job(job)
    db.session.commit()
    db.session.execute(text("DISCARD TEMP"))
    return job


def import_voters(org_id: int) -> ImportJob:
    return run_import(org_id, ImportKind.VOTERS, VOTERS, "pa", {"elections": str(ELECTIONS)})


def count(model, **filters) -> int:
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**filters))


# The tables a voter import writes and then joins.
WRITTEN_TABLES = ("addresses", "households", "people", "registrations", "votes", "interactions")


def leave_statistics_of_a_failed_import(org_id: int) -> None:
    """Run an import, roll it back, and analyse: the tables now say 0 rows over many pages.

    That is how autovacuum leaves them after a first import that failed. An import that plans
    its joins on those statistics instead of its own goes quadratic (it once ran for more than
    an hour); the statement timeout stops that in minutes.
    """
    savepoint = db.session.begin_nested()
    options = {"elections": str(ELECTIONS)}
    run_job(create_job(org_id, ImportKind.VOTERS, VOTERS, layout="pa", options=options))
    savepoint.rollback()
    for table in WRITTEN_TABLES:
        db.session.execute(text(f"ANALYZE {table}"))
    assert db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'votes'")) == 0


@pytest.fixture
def vacuumed_afterwards(app):
    """Vacuum what the test rolled back (twice 150,000 people, homes and 1.1 M votes).

    Their dead rows stay in the tables' indexes until a vacuum: every later test searching the
    same streets (the turf tests sit in West Philadelphia) would walk through them.
    Requested before ``org``, so it runs after the test's rollback.
    """
    yield
    with app.app_context(), db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("VACUUM (ANALYZE) " + ", ".join(WRITTEN_TABLES)))


def test_the_whole_pennsylvania_file(vacuumed_afterwards, org):
    require_shared_files()
    db.session.execute(text("SET LOCAL statement_timeout = '90s'"))
    areas = run_import(
        org.id, ImportKind.AREAS, DIVISIONS, "", {"kind": "precinct", "code_field": "DIVISION_NUM"}
    )
    assert areas.status == JobStatus.SUCCEEDED, areas.error
    leave_statistics_of_a_failed_import(org.id)

    job = import_voters(org.id)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.rows_read == ROWS
    assert job.rows_inserted + job.rows_rejected == job.rows_read
    assert job.rows_updated == job.rows_unchanged == 0
    assert job.rows_rejected < ROWS // 100

    # Every reject says where and why; checked as counts so no voter's cell is ever shown.
    rejects = db.session.execute(
        select(ImportReject.line_no, ImportReject.column, ImportReject.reason).filter_by(
            job_id=job.id
        )
    ).all()
    incomplete = sum(
        1 for line_no, column, reason in rejects if not (line_no > 1 and column and reason)
    )
    assert incomplete == 0
    assert len({line_no for line_no, _, _ in rejects}) == job.rows_rejected

    assert count(Person, organization_id=org.id) == job.rows_inserted
    households = count(Household, organization_id=org.id)
    with_household = db.session.scalar(
        select(func.count(func.distinct(Person.household_id))).where(
            Person.organization_id == org.id
        )
    )
    print(f"distinct households: {households:,} (README: {HOUSEHOLDS:,})")
    assert with_household == households  # no household without people
    assert abs(households - HOUSEHOLDS) <= HOUSEHOLDS * 0.03

    addresses, placed = db.session.execute(
        select(func.count(), func.count(Address.point)).where(Address.organization_id == org.id)
    ).one()
    assert placed > addresses * 0.99

    # The README: 88 % of geocoded voters fall inside their own registered precinct.
    check = precinct_check(org.id)
    print(
        f"precinct check: {check['voters_disagreeing']:,} of {check['voters_placed']:,}"
        f" placed voters ({check['share_disagreeing']:.1%}) outside their registered precinct"
    )
    assert 0.05 <= check["share_disagreeing"] <= 0.20

    again = import_voters(org.id)
    assert again.status == JobStatus.SUCCEEDED, again.error
    assert (again.rows_read, again.rows_inserted, again.rows_updated) == (ROWS, 0, 0)
    assert again.rows_unchanged == job.rows_inserted
    assert again.rows_removed == 0
    assert count(Person, organization_id=org.id) == job.rows_inserted
    assert count(ImportReject, job_id=again.id) == len(rejects)
