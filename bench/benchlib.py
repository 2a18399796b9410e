"""What the benchmarks share: a database to fill, and importing the shared Philadelphia files.

Not a benchmark itself; ``bench/*.py`` import it (the script's folder is on ``sys.path``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from app.core.localdb import LocalCluster, free_port
from app.extensions import db
from app.imports.jobs import claim_job, create_job, run_job
from app.imports.models import ImportJob, ImportKind, JobStatus

ROOT = Path(__file__).resolve().parent.parent
# The team's shared data folder (README.md there): present in CI and on the team's machines.
SHARED = ROOT.parent / "shared" / "data" / "philadelphia"
VOTER_FILE = SHARED / "voters_pa_export_west.csv.gz"
ELECTIONS = SHARED / "election_lookup.json"
DIVISIONS = SHARED / "divisions_2022.geojson.gz"


def shared_files_present() -> bool:
    return all(path.exists() for path in (VOTER_FILE, ELECTIONS, DIVISIONS))


@contextmanager
def bench_database(name: str = "bench") -> Iterator[str]:
    """BENCH_DATABASE_URL when set (a database the bench may fill), else a throwaway cluster."""
    if os.environ.get("BENCH_DATABASE_URL"):
        yield os.environ["BENCH_DATABASE_URL"]
        return
    tmp = Path(tempfile.mkdtemp(prefix="doorstep-bench-"))
    os.chmod(tmp, 0o755)  # noqa: S103 - PostgreSQL runs as postgres when we are root
    cluster = LocalCluster(tmp / "pg", free_port())
    cluster.initialise(fast=True)
    cluster.start()
    try:
        cluster.create_database(name)
        yield cluster.url(name)
    finally:
        cluster.stop("immediate")
        shutil.rmtree(tmp, ignore_errors=True)


def run_import(
    organization_id: int,
    kind: ImportKind,
    path: Path,
    *,
    layout: str = "",
    options: dict | None = None,
) -> tuple[ImportJob, float]:
    """Run one import job as the CLI does (create, commit, claim, run, commit).

    Returns the job and the wall-clock seconds from creating it to its commit.
    """
    started = time.perf_counter()
    job = create_job(organization_id, kind, path, layout=layout, options=options)
    db.session.commit()
    claim_job(db.engine, job.id)
    db.session.expire(job)
    job = run_job(job, engine=db.engine)
    db.session.commit()
    seconds = time.perf_counter() - started
    if job.status != JobStatus.SUCCEEDED:
        raise SystemExit(f"import of {path.name} failed: {job.error}")
    return job, seconds


def import_divisions(organization_id: int) -> tuple[ImportJob, float]:
    return run_import(
        organization_id,
        ImportKind.AREAS,
        DIVISIONS,
        options={"kind": "precinct", "code_field": "DIVISION_NUM"},
    )


def import_voter_file(organization_id: int, path: Path = VOTER_FILE) -> tuple[ImportJob, float]:
    return run_import(
        organization_id,
        ImportKind.VOTERS,
        path,
        layout="pa",
        options={"elections": str(ELECTIONS)},
    )


def vacuum_analyze(*tables: str) -> None:
    """Vacuum until every page is all-visible (the steady state counts are measured in).

    A VACUUM that runs beside autovacuum's ANALYZE of another table (which holds back the
    snapshot horizon) leaves freshly inserted pages not all-visible; the next one finishes.
    """
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for _ in range(5):
            conn.execute(text("VACUUM ANALYZE " + ", ".join(tables)))
            behind = conn.scalar(
                text(
                    "SELECT count(*) FROM pg_class WHERE oid = ANY(CAST(:tables AS regclass[]))"
                    " AND relallvisible < relpages"
                ),
                {"tables": list(tables)},
            )
            if not behind:
                return
            time.sleep(2)


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and by the PostgreSQL cluster it talks to.

    The cluster's: its postmaster, the children it has reaped (backends that ended) and the
    live ones. Unlike wall-clock time, this hardly moves when other work shares the cores,
    so ratios of it are steadier on a busy machine. Needs the cluster on this machine.
    """
    backend = db.session.scalar(text("SELECT pg_backend_pid()"))

    def fields(pid: int | str) -> list[str]:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()

    tick = os.sysconf("SC_CLK_TCK")
    postmaster = fields(backend)[1]
    own = fields(postmaster)
    total = sum(int(own[i]) for i in (11, 12, 13, 14))  # utime, stime, cutime, cstime
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                child = fields(entry.name)
            except OSError:
                continue
            if child[1] == postmaster:
                total += int(child[11]) + int(child[12])
    return total / tick + time.process_time()
