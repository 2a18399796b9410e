"""Time the voter import against its floor (issue 21: at most 1.5x; a re-import 0.5x of it).

    .venv/bin/python bench/import_voters.py
    BENCH_VOTER_FILE=/tmp/pa_2m.csv.gz .venv/bin/python bench/import_voters.py  # another file

Uses BENCH_DATABASE_URL when set (a database it may fill: each run makes new organisations),
else a throwaway PostgreSQL cluster in a temporary directory. Needs ../shared/data/philadelphia.

In one run: import the division polygons, then
- raw COPY (for reference): the gunzipped file streamed into an unindexed table of text columns;
- the import: the voter job end to end as the CLI runs it (staging, rejects, addresses,
  households, people, registrations, votes, areas, search columns, history, commit);
- the same import again, which must change nothing;
- the floor (bench/import_floor.py): the rows the import wrote COPYed into the same tables,
  with the same keys, indexes, constraints and triggers, as a second campaign's.
Prints rows/s, the ratios against the goals, each phase's seconds and the peak RSS of the
importing process. Prints no voter rows.
"""

from __future__ import annotations

import gzip
import os
import resource
import time
from pathlib import Path

import flask_migrate
from benchlib import (
    VOTER_FILE,
    bench_database,
    cpu_seconds,
    import_divisions,
    import_voter_file,
    shared_files_present,
)
from import_floor import measure_floor
from sqlalchemy import text

from app import create_app
from app.accounts.operations import create_organization
from app.audit.context import acting_as
from app.core.reading import check_file
from app.extensions import db

GOAL_FIRST = 1.5  # import seconds / floor seconds
GOAL_AGAIN = 0.5  # re-import seconds / first import seconds
RAW_TABLE = "bench_raw_voter_copy"
CHUNK = 1 << 20
# The import's phases in the order it runs them (the job's summary keeps them in a jsonb).
PHASES = (
    "reading",
    "checking rows",
    "matching homes",
    "matching people",
    "unpacking votes",
    "writing people",
    "writing votes",
    "removed and history",
    "search columns",
    "analyze",
)


def checkpoint() -> None:
    """Start each timed step with no dirty pages left over from the one before (if allowed)."""
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("CHECKPOINT"))
    except Exception as exc:  # not a superuser on BENCH_DATABASE_URL: carry on without
        print(f"(no CHECKPOINT between steps: {type(exc).__name__})")


def raw_copy(voter_file: Path) -> tuple[int, float]:
    """COPY the gunzipped file into an unindexed table of text columns; (rows, seconds)."""
    header = check_file(voter_file, encoding="utf-8", delimiter=",", what="the voter file")
    columns = ", ".join(f"c{i:03d} text" for i in range(1, len(header) + 1))
    db.session.execute(text(f"DROP TABLE IF EXISTS {RAW_TABLE}"))
    db.session.execute(text(f"CREATE TABLE {RAW_TABLE} ({columns})"))
    db.session.commit()
    checkpoint()
    started = time.perf_counter()
    cursor = db.session.connection().connection.driver_connection.cursor()
    with (
        gzip.open(voter_file, "rb") as data,
        cursor.copy(f"COPY {RAW_TABLE} FROM STDIN (FORMAT csv, HEADER)") as copy,
    ):
        while chunk := data.read(CHUNK):
            copy.write(chunk)
    rows = cursor.rowcount
    db.session.commit()
    seconds = time.perf_counter() - started
    db.session.execute(text(f"DROP TABLE {RAW_TABLE}"))
    db.session.commit()
    print(f"raw COPY table: {len(header)} text columns, no index")
    return rows, seconds


def print_phases(phase_seconds: dict[str, float]) -> None:
    print("  phase seconds:")
    ordered = [p for p in PHASES if p in phase_seconds]
    ordered += sorted(set(phase_seconds) - set(PHASES))
    for phase in ordered:
        print(f"    {phase:<20} {phase_seconds[phase]:7.2f}")


def line(label: str, rows: int, seconds: float) -> str:
    return f"{label:<22} {rows:>9,} rows {seconds:8.2f} s {rows / seconds:>10,.0f} rows/s"


def main() -> None:
    voter_file = Path(os.environ.get("BENCH_VOTER_FILE", VOTER_FILE))
    if not shared_files_present():
        raise SystemExit(f"The shared data folder is missing ({VOTER_FILE.parent}).")
    with bench_database("bench_import") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context(), acting_as("bench:import"):
            flask_migrate.upgrade()
            slug = f"bench-import-{time.time_ns()}"
            org = create_organization("Bench import", slug).id
            floor_org = create_organization("Bench import floor", f"{slug}-floor").id
            db.session.commit()

            areas, areas_seconds = import_divisions(org)
            print(
                f"divisions: {areas.rows_inserted} polygons in {areas_seconds:.2f} s"
                f" ({VOTER_FILE.parent.name}/divisions_2022.geojson.gz)"
            )

            raw_rows, raw_seconds = raw_copy(voter_file)
            checkpoint()
            cpu = cpu_seconds()
            job, seconds = import_voter_file(org, voter_file)
            cpu_first = cpu_seconds() - cpu
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(  # early, for a long run on a big file
                f"{line('import, first run', job.rows_read, seconds)}, CPU {cpu_first:.1f} s,"
                f" peak RSS so far {peak:,.0f} MiB",
                flush=True,
            )
            checkpoint()
            cpu = cpu_seconds()
            again, again_seconds = import_voter_file(org, voter_file)
            cpu_again = cpu_seconds() - cpu
            checkpoint()
            floor_rows, floor_seconds, cpu_floor = measure_floor(org, floor_org)

            print()
            print(line("raw COPY (gunzip+copy)", raw_rows, raw_seconds))
            print(
                f"{'floor (COPY its rows)':<22} {sum(floor_rows.values()):>9,} rows"
                f" {floor_seconds:8.2f} s  ("
                + ", ".join(f"{t} {n:,}" for t, n in floor_rows.items())
                + ")"
            )
            print(line("import, first run", job.rows_read, seconds))
            ratio = seconds / floor_seconds
            print(
                f"ratio import s / floor s: {ratio:.2f}"
                f"  (goal <= {GOAL_FIRST:.1f}: {'met' if ratio <= GOAL_FIRST else 'NOT met'})"
            )
            print(
                f"  CPU seconds (PostgreSQL + importer): import {cpu_first:.1f},"
                f" floor {cpu_floor:.1f}, ratio {cpu_first / cpu_floor:.2f}"
            )
            print(
                f"  rows: {job.rows_inserted:,} inserted, {job.rows_updated:,} updated,"
                f" {job.rows_unchanged:,} unchanged, {job.rows_rejected:,} rejected;"
                f" run_job's own clock {job.summary['seconds']} s"
            )
            print_phases(job.summary["phase_seconds"])
            geocoding = job.summary.get("geocoding", {})
            print(
                f"  addresses: {geocoding.get('addresses', 0):,},"
                f" {geocoding.get('placed_rate', 0):.2%} with a point"
            )
            counts = db.session.execute(
                text(
                    "SELECT (SELECT count(*) FROM people WHERE organization_id = :o),"
                    " (SELECT count(*) FROM households WHERE organization_id = :o),"
                    " (SELECT count(*) FROM votes WHERE organization_id = :o)"
                ),
                {"o": org},
            ).one()
            print(f"  people {counts[0]:,}, households {counts[1]:,}, votes {counts[2]:,}")

            print()
            print(line("import, same file again", again.rows_read, again_seconds))
            again_ratio = again_seconds / seconds
            print(
                f"ratio re-import s / first import s: {again_ratio:.2f}"
                f"  (goal <= {GOAL_AGAIN:.1f}: {'met' if again_ratio <= GOAL_AGAIN else 'NOT met'})"
            )
            print(
                f"  CPU seconds: re-import {cpu_again:.1f}, ratio to the first"
                f" {cpu_again / cpu_first:.2f}"
            )
            idempotent = again.rows_inserted == again.rows_updated == 0
            print(
                f"  rows: {again.rows_inserted:,} inserted, {again.rows_updated:,} updated,"
                f" {again.rows_unchanged:,} unchanged, {again.rows_rejected:,} rejected"
                f" ({'idempotent' if idempotent else 'CHANGED'})"
            )
            print_phases(again.summary["phase_seconds"])
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"\npeak RSS of this process (the importer): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
