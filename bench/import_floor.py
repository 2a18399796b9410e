"""The floor of an import: COPY the rows it wrote, as they are, into the same tables.

Issue 21's baseline for the voter import. After an import into one campaign, its rows in the
tables the import writes are copied out (binary COPY, to temporary files, untimed) with every
key moved past the table's largest id and the campaign replaced by a new one; then, timed, one
transaction COPYs them back into the same tables, with the same primary keys, unique
constraints, foreign keys, indexes and triggers, and commits. Nothing is normalised, matched
or looked up: that is the least time any import writing those rows can take.

The tables then hold the first campaign's rows as well (indexes twice as big as on the first
import); at this size that changes a btree's depth by nothing.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchlib import cpu_seconds
from sqlalchemy import text

from app.extensions import db

# The tables a voter import writes, parents first (foreign keys are checked row by row).
TABLES = ("addresses", "households", "people", "registrations", "votes", "interactions")
CHUNK = 1 << 20
# Keys with no foreign key declared (votes are written only by the import, in bulk).
UNDECLARED_KEYS = {"votes": {"registration_id": "registrations"}}

COLUMNS_SQL = """
SELECT a.attname, format_type(a.atttypid, a.atttypmod)
FROM pg_attribute a
WHERE a.attrelid = CAST(:table AS regclass) AND a.attnum > 0 AND NOT a.attisdropped
  AND a.attgenerated = ''
ORDER BY a.attnum
"""
# Single-column foreign keys of a table to another of TABLES (or itself): column -> table.
FOREIGN_KEYS_SQL = """
SELECT a.attname, c.confrelid::regclass::text
FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
WHERE c.conrelid = CAST(:table AS regclass) AND c.contype = 'f'
  AND cardinality(c.conkey) = 1
"""


def _offsets() -> dict[str, int]:
    """For each table, a shift that puts copied ids past every id it holds now."""
    return {
        table: db.session.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}"))
        for table in TABLES
        if "id" in db.session.scalars(text(COLUMNS_SQL), {"table": table}).all()
    }


def _select(
    table: str, offsets: dict[str, int], source_org: int, target_org: int
) -> tuple[str, list[str]]:
    """The rows of ``table`` in the source campaign, keys shifted, as the target's; columns."""
    types = dict(db.session.execute(text(COLUMNS_SQL), {"table": table}).all())
    columns = list(types)
    references = dict(db.session.execute(text(FOREIGN_KEYS_SQL), {"table": table}).all())
    references.update(UNDECLARED_KEYS.get(table, {}))
    expressions = []
    for column in columns:
        if column == "id":
            expressions.append(f"CAST(id + {offsets[table]} AS {types[column]})")
        elif column == "organization_id":
            expressions.append(f"CAST({target_org} AS {types[column]})")
        elif references.get(column) in offsets:
            shift = offsets[references[column]]
            expressions.append(f"CAST({column} + {shift} AS {types[column]})")
        else:
            expressions.append(column)
    return (
        f"SELECT {', '.join(expressions)} FROM {table}"
        f" WHERE organization_id = {source_org} ORDER BY {'id' if table in offsets else 1}",
        columns,
    )


def measure_floor(source_org: int, target_org: int) -> tuple[dict[str, int], float, float]:
    """Copy the source campaign's import output into the target one.

    Returns the rows per table, the seconds and the CPU seconds (see benchlib.cpu_seconds).
    """
    offsets = _offsets()
    folder = Path(tempfile.mkdtemp(prefix="doorstep-floor-"))
    plans = []
    cursor = db.session.connection().connection.driver_connection.cursor()
    for table in TABLES:
        select, columns = _select(table, offsets, source_org, target_org)
        path = folder / f"{table}.copy"
        with (
            path.open("wb") as out,
            cursor.copy(f"COPY ({select}) TO STDOUT (FORMAT binary)") as c,
        ):
            for chunk in c:
                out.write(chunk)
        plans.append((table, columns, path))
    db.session.commit()

    rows: dict[str, int] = {}
    cpu = cpu_seconds()
    started = time.perf_counter()
    table_started = started
    cursor = db.session.connection().connection.driver_connection.cursor()
    for table, columns, path in plans:
        with (
            path.open("rb") as data,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT binary)") as c,
        ):
            while chunk := data.read(CHUNK):
                c.write(chunk)
        rows[table] = cursor.rowcount
        now = time.perf_counter()
        print(f"  floor: {table:<14} {rows[table]:>10,} rows {now - table_started:7.2f} s")
        table_started = now
    db.session.commit()
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu

    for _, _, path in plans:
        path.unlink()
    folder.rmdir()
    for table in offsets:  # later ids drawn from the sequences stay clear of the copied ones
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT max(id) FROM {table}))"
            )
        )
    db.session.commit()
    return rows, seconds, cpu
