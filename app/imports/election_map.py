"""The election map of a numbered-election layout (Pennsylvania): "Election N" -> name, date.

It comes as JSON (``{"Election 1": {"description": ..., "date": "MM/DD/YYYY"}, ...}``) or as the
state's own Election Map file, delivered beside each county's Full Voter Export: tab-separated,
text in double quotes, no header row, four columns (``ELECTION_MAP_COLUMNS``).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from app.core.reading import FileRefused

ELECTION_MAP_COLUMNS = ("County", "Election Number", "Election Description", "Election Date")


def read_election_map(text: str) -> dict[str, dict[str, str]]:
    """The map from either form; a map that is neither is refused, naming its bad line."""
    text = text.lstrip("\ufeff").strip()
    if text.startswith("{"):
        try:
            elections = json.loads(text)
        except ValueError as exc:
            raise FileRefused(f"The election map is not valid JSON: {exc}") from exc
        return elections
    delimiter = "\t" if "\t" in text else ","
    elections: dict[str, dict[str, str]] = {}
    counties = set()
    for line_no, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or (line_no == 1 and cells[:2] == list(ELECTION_MAP_COLUMNS[:2])):
            continue
        if len(cells) != len(ELECTION_MAP_COLUMNS) or not cells[1].isdigit():
            raise FileRefused(
                f"The election map is neither JSON nor the state's Election Map file (line "
                f"{line_no}: expected {', '.join(ELECTION_MAP_COLUMNS)}).",
                fields={"elections": line_no},
            )
        county, number, description, date = cells
        try:
            datetime.strptime(date, "%m/%d/%Y")
        except ValueError as exc:
            raise FileRefused(
                f"The election map's line {line_no} has no MM/DD/YYYY date: {date!r}.",
                fields={"elections": line_no},
            ) from exc
        counties.add(county.upper())
        elections[f"Election {int(number)}"] = {"description": description, "date": date}
    if len(counties) > 1:
        raise FileRefused(
            "The election map holds several counties (" + ", ".join(sorted(counties)) + "); "
            "each county numbers its own elections: give the map of this file's county.",
            fields={"elections": "counties"},
        )
    if not elections:
        raise FileRefused("The election map is empty.", fields={"elections": "empty"})
    return elections
