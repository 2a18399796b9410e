"""Tables for spreadsheets: CSV that Excel opens as UTF-8 and that runs no formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any


def safe_cell(value: Any) -> Any:
    """A text starting with = + - @ would run as a formula in a spreadsheet: quote it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_bytes(columns: list[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8
