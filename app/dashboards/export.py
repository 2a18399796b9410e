"""A panel as JSON with an ETag (the console polls; an unchanged panel is a 304 of no body),
or as CSV: one row per line of each of its tables, the table named in ``section``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Response, request

from app.core.spreadsheets import csv_bytes


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def json_with_etag(panel: Mapping[str, Any]) -> Response:
    body = json.dumps(_plain(panel), sort_keys=True, separators=(",", ":"))
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    headers = {"ETag": f'"{etag}"', "Cache-Control": "no-cache"}
    if etag in {tag.strip('" ') for tag in request.headers.get("If-None-Match", "").split(",")}:
        return Response(status=304, headers=headers)
    return Response(body, mimetype="application/json", headers=headers)


def _flat(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, Mapping):
            out.update(_flat(value, f"{prefix}{key}."))
        elif not isinstance(value, list):
            out[f"{prefix}{key}"] = value
    return out


def panel_rows(panel: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for section, value in panel.items():
        if isinstance(value, Mapping):
            rows.append({"section": section, **_flat(value)})
            for inner, items in value.items():  # support: by_score, by_day
                if isinstance(items, list):
                    rows.extend({"section": f"{section}.{inner}", **_flat(i)} for i in items)
        elif isinstance(value, list):
            rows.extend({"section": section, **_flat(item)} for item in value)
    return [_plain(row) for row in rows]


def csv_response(panel: Mapping[str, Any], name: str) -> Response:
    rows = panel_rows(panel)
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    return Response(
        csv_bytes(columns, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="dashboard-{name}.csv"'},
    )
