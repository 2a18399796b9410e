"""The CSV layout of a universe export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from sqlalchemy import Row

HEADER = (
    "person_id",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "address",
    "unit",
    "city",
    "state",
    "zip",
    "party",
    "registration_status",
    "gender",
    "birth_year",
    "age",
    "household_id",
    "is_target",
)
_ROWS_PER_CHUNK = 500
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _cells(row: Row, year: int) -> list[object]:
    address = f"{row.house_number}{row.house_number_suffix or ''} {row.street}".strip()
    return [
        row.id,
        _text(row.first_name),
        _text(row.middle_name),
        _text(row.last_name),
        _text(row.suffix),
        _text(address if row.street else None),
        _text(row.unit),
        _text(row.city),
        _text(row.state),
        _text(row.zip),
        _text(row.party),
        _text(row.registration_status),
        _text(row.gender),
        row.birth_year or "",
        year - row.birth_year if row.birth_year else "",
        row.household_id or "",
        "yes" if row.is_target else "no",
    ]


def csv_lines(rows: Iterable[Row], *, year: int) -> Iterator[str]:
    """The CSV text in chunks of a few hundred rows, header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for count, row in enumerate(rows, start=1):
        writer.writerow(_cells(row, year))
        if count % _ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
