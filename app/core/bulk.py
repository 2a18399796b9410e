"""Many rows into a table in one statement whose text never changes: the rows travel as one
JSON document (``jsonb_to_recordset``), so PostgreSQL and psycopg parse and plan the same
SQL for a batch of 3 or of 200, where a multi-row VALUES would be new text each time."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.dialects import postgresql

from app.extensions import db


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


@cache
def _statement(table: Table, columns: tuple[str, ...], conflict: tuple[str, ...] | None,
               returning: tuple[str, ...]) -> str:  # fmt: skip
    dialect = postgresql.dialect()
    types = ", ".join(f"{c} {table.c[c].type.compile(dialect=dialect)}" for c in columns)
    names = ", ".join(columns)
    # Names from the table's own columns (table.c[...] refuses any other), never from input.
    sql = (
        f"INSERT INTO {table.name} ({names}) SELECT {names}"  # noqa: S608
        f" FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r({types})"
    )
    if conflict is not None:
        sql += f" ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
    return sql + f" RETURNING {', '.join(returning)}"


def insert_rows(table: Table, rows: list[dict[str, Any]], *, returning: tuple[str, ...],
                skip_conflicts_on: tuple[str, ...] | None = None) -> list[Any]:  # fmt: skip
    """Insert ``rows`` (dicts with the same keys); the ``returning`` columns of the rows
    inserted (``skip_conflicts_on``: rows clashing on that unique key are left out)."""
    if not rows:
        return []
    columns = tuple(rows[0])
    sql = _statement(table, columns, skip_conflicts_on, returning)
    payload = json.dumps(rows, default=_json_default)
    return db.session.execute(text(sql), {"rows": payload}).all()
