"""Tables for spreadsheets: CSV that Excel opens as UTF-8 and that runs no formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import Any


def safe_cell(value: Any) -> Any:
    """A text starting with = + - @ would run as a formula in a spreadsheet: quote it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_bytes(columns: list[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    return b"".join(csv_chunks(columns, rows))


def csv_chunks(
    columns: list[str], rows: Iterable[Mapping[str, Any]], *, rows_per_chunk: int = 500
) -> Iterator[bytes]:
    """``csv_bytes`` streamed: the header (after the BOM), then a chunk every few hundred rows."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    out.write("\ufeff")  # the BOM makes Excel read UTF-8
    writer.writeheader()
    for count, row in enumerate(rows, start=1):
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
        if count % rows_per_chunk == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")
