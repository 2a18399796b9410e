"""Stream a voter file into a temporary staging table, then find its bad rows with SQL."""

from __future__ import annotations

import csv
import operator
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from app.core.reading import (
    SNIFF_BYTES,
    FileRefused,
    RowReject,
    check_file,
    read_rows,
)
from app.core.unpacking import DamagedArchive, open_unpacked
from app.extensions import db
from app.imports.dates import sql_bad_date
from app.imports.layouts import CANONICAL_FIELDS, DATE_FIELDS, VoterLayout
from app.imports.progress import JobProgress
from app.people.models import Person
from app.voters.models import Address, Household, Registration

YEAR = re.compile(r"\b(1[89]|20)[0-9]{2}\b")
UNIT_SEPARATOR = "\x1f"  # joins the vote-history cells of one row into one staged value
STAGE_COLUMNS = ("line_no", *CANONICAL_FIELDS, "history")
# Where each staged field is stored: a value too long for its column is that row's reject,
# not an error that fails the whole import.
STORED_IN = {
    "state_key": Registration.state_key,
    "title": Person.title,
    "first_name": Person.first_name,
    "middle_name": Person.middle_name,
    "last_name": Person.last_name,
    "suffix": Person.suffix,
    "status": Registration.status,
    "party": Registration.party,
    "house_number": Address.house_number,
    "house_number_suffix": Address.house_number_suffix,
    "street": Address.street,
    "unit": Household.unit,
    "city": Address.city,
    "county": Registration.county,
    "precinct_code": Registration.precinct_code,
    "precinct_split": Registration.precinct_split,
}


@dataclass
class StagedFile:
    header: list[str]
    rows_read: int = 0
    rejects: list[RowReject] = field(default_factory=list)
    # Election columns found in the file: (position in the history value, header).
    history_columns: list[tuple[int, str]] = field(default_factory=list)


def execute_script(script: str, params: dict) -> list:
    """Run several ';'-separated statements (one prepared statement each); their results."""
    statements = [part.strip() for part in script.split(";\n") if part.strip()]
    return [db.session.execute(text(statement), params) for statement in statements]


def analyze(*tables: str) -> None:
    """Fresh planner statistics for tables this transaction just filled.

    Without them the planner sees a table as it was last analysed (often empty: a new
    campaign's, or one whose earlier rows were rolled back) and joins the whole file against
    it in a nested loop, which is quadratic on a big import.
    """
    for table in tables:
        db.session.execute(text(f"ANALYZE {table}"))


def analyze_staged(*tables: str) -> None:
    """``analyze`` for the import's own temporary tables, from a small sample.

    Their statistics only steer this import's joins (row counts, distinct keys), which 3,000
    sampled rows give as well as 30,000; the default sample cost seconds on wide rows.
    """
    db.session.execute(text("SET LOCAL default_statistics_target = 10"))
    analyze(*tables)
    db.session.execute(text("SET LOCAL default_statistics_target TO DEFAULT"))


def driver_connection():
    """The psycopg connection under the session, in the session's transaction."""
    return db.session.connection().connection.driver_connection


def stage_voter_file(path: Path, layout: VoterLayout, progress: JobProgress) -> StagedFile:
    layout = delivered_variant(path, layout)
    header = check_file(
        path,
        encoding=layout.encoding,
        delimiter=layout.delimiter,
        what=f"a {layout.title} file",
        columns=layout.fixed_columns,
    )
    missing = layout.missing_columns(header)
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        raise FileRefused(
            f"This file is not in the {layout.title} layout: missing columns {shown}.",
            fields={"layout": layout.name},
        )
    staged = StagedFile(header=header)
    index = {name: i for i, name in enumerate(header)}
    blank = len(header)  # each row gets one '' appended: fields the layout lacks read it
    field_getter = operator.itemgetter(
        *[_position(layout, index, name, blank) for name in CANONICAL_FIELDS]
    )
    # Fields the file gives in parts (North Carolina's street and unit): joined by a space.
    joined = [
        (CANONICAL_FIELDS.index(name), [index[part] for part in parts])
        for name, parts in layout.columns.items()
        if not isinstance(parts, str)
    ]
    lon_at = CANONICAL_FIELDS.index("lon")
    birth_year_at = CANONICAL_FIELDS.index("birth_year")
    coordinates_at = index[layout.coordinates] if layout.coordinates else None
    age_at = (index[layout.age[0]], index[layout.age[1]]) if layout.age else None
    history_getter = _history_getter(layout, header, index, staged)

    db.session.execute(
        text(
            "CREATE TEMP TABLE import_stage (line_no integer, "
            + ", ".join(f"{name} text" for name in STAGE_COLUMNS[1:])
            + ") ON COMMIT DROP"
        )
    )
    cursor = driver_connection().cursor()
    with cursor.copy(f"COPY import_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
        for line_no, row in read_rows(
            path,
            encoding=layout.encoding,
            delimiter=layout.delimiter,
            columns=layout.fixed_columns,
            on_progress=lambda b, r: progress.update(
                bytes_read=b, rows_read=r, rows_rejected=len(staged.rejects)
            ),
        ):
            staged.rows_read += 1
            if isinstance(row, RowReject):
                staged.rejects.append(row)
                continue
            row.append("")
            values = list(field_getter(row))
            for at, positions in joined:
                values[at] = " ".join(part for i in positions if (part := row[i].strip()))
            if coordinates_at is not None:
                lon, _, lat = row[coordinates_at].partition(",")
                values[lon_at], values[lon_at + 1] = lon.strip(), lat.strip()
            if age_at is not None:
                values[birth_year_at] = _birth_year(row[age_at[0]], row[age_at[1]])
            history = UNIT_SEPARATOR.join(history_getter(row)) if history_getter else ""
            copy.write_row((line_no, *values, history))
    return staged


def delivered_variant(path: Path, layout: VoterLayout) -> VoterLayout:
    """The layout's variant as the state delivers it (no header row, by position) when the
    file's first line is not the layout's header and splits on the variant's delimiter."""
    variant = layout.delivered
    if variant is None or variant.fixed_columns is None:
        return layout
    data, raw = open_unpacked(path)
    try:
        first = data.readline(SNIFF_BYTES).decode(variant.encoding, errors="replace")
    except DamagedArchive:
        return layout  # check_file says what is wrong with it
    finally:
        raw.close()
    key = layout.columns["state_key"]
    cells = next(csv.reader([first.lstrip("\ufeff")], delimiter=variant.delimiter), [])
    if key not in cells and len(cells) > 1:
        return variant
    return layout


def _position(layout: VoterLayout, index: dict[str, int], name: str, blank: int) -> int:
    header = layout.columns.get(name, "")
    return index.get(header, blank) if isinstance(header, str) else blank


def _birth_year(age: str, as_of: str) -> str:
    """The birth year an age at a date gives (to a year: the birthday may be either side)."""
    year = YEAR.search(as_of)
    age = age.strip()
    if not age.isdigit() or year is None:
        return ""
    return str(int(year.group()) - int(age))


def _history_getter(layout, header, index, staged):
    spec = layout.history
    if spec is None:
        return None
    positions = []
    if spec.pair_count:
        for n in range(1, spec.pair_count + 1):
            method, party = spec.pair_headers(n)
            if method in index and party in index:
                positions += [index[method], index[party]]
                staged.history_columns.append((len(positions) // 2, f"Election {n}"))
    elif spec.pattern is not None:
        for i, name in enumerate(header):
            if spec.pattern.match(name):
                positions.append(i)
                staged.history_columns.append((len(positions), name))
    if not positions:
        return None
    if len(positions) == 1:
        only = positions[0]
        return lambda row: (row[only],)
    return operator.itemgetter(*positions)


def find_duplicates() -> None:
    """import_duplicates: each voter id on more than one line, with its first line."""
    db.session.execute(
        text(
            "CREATE TEMP TABLE import_duplicates ON COMMIT DROP AS"
            " SELECT btrim(state_key) AS state_key, min(line_no) AS first_line"
            " FROM import_stage GROUP BY 1 HAVING count(*) > 1"
        )
    )
    analyze_staged("import_duplicates")


def find_bad_rows(
    job_id: int, layout: VoterLayout, staged: StagedFile, *, known_lines: str = ""
) -> int:
    """Record a reject for every staged row that fails a check; return how many lines.

    One cheap pass finds the bad lines (all checks OR-ed); only those get the detailed pass
    that names each failing column. ``known_lines``: a table of lines not to check again (a
    line exactly as the campaign already has it, accepted by an earlier import).
    """
    checks = _row_checks(layout, staged)
    skip = (
        f"WHERE NOT EXISTS (SELECT 1 FROM {known_lines} k WHERE k.line_no = st.line_no)"
        if known_lines
        else ""
    )
    any_bad = " OR ".join(f"({condition})" for condition, _, _, _ in checks)
    values = ",\n".join(
        f"(({condition}), {column}, '{reason}', {value})"
        for condition, column, reason, value in checks
    )
    result = execute_script(
        f"""
        CREATE TEMP TABLE import_bad_lines ON COMMIT DROP AS
        SELECT s.* FROM (
            SELECT st.*, d.first_line FROM import_stage st
            LEFT JOIN import_duplicates d ON d.state_key = btrim(st.state_key)
            {skip}
        ) s
        WHERE {any_bad};

        INSERT INTO import_rejects (job_id, line_no, "column", reason, value)
        SELECT :job_id, s.line_no, c.col, c.reason, left(coalesce(c.val, ''), 200)
        FROM import_bad_lines s
        CROSS JOIN LATERAL (VALUES {values}) AS c(bad, col, reason, val)
        WHERE c.bad
        """,
        {"job_id": job_id},
    )
    return result[-1].rowcount and db.session.scalar(text("SELECT count(*) FROM import_bad_lines"))


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _row_checks(layout: VoterLayout, staged: StagedFile) -> list[tuple[str, str, str, str]]:
    """(bad-row condition, column, reason, offending value) as SQL over staged row ``s``."""
    col = {name: _quote(layout.label(name)) for name in layout.columns}
    checks = [
        ("coalesce(btrim(s.state_key), '') = ''", col["state_key"], "missing voter id", "''"),
        (
            "s.first_line IS NOT NULL AND s.line_no > s.first_line",
            col["state_key"],
            "duplicate voter id (an earlier line has it)",
            "s.state_key",
        ),
        (
            "coalesce(btrim(s.last_name), '') = '' AND coalesce(btrim(s.first_name), '') = ''",
            col["last_name"],
            "missing name",
            "''",
        ),
    ]
    for name in DATE_FIELDS:
        if name in col:
            checks.append(
                (
                    sql_bad_date(f"s.{name}", layout.date_format),
                    col[name],
                    f"not a date in {layout.date_format} form",
                    f"s.{name}",
                )
            )
    if "birth_year" in col:
        checks.append(
            (
                "coalesce(s.birth_year, '') <> '' AND CASE WHEN s.birth_year ~ '^[0-9]{4}$'"
                " THEN s.birth_year::int NOT BETWEEN 1850 AND extract(year FROM now())::int"
                " ELSE true END",
                col["birth_year"],
                "not a birth year",
                "s.birth_year",
            )
        )
    if layout.genders is not None and "gender" in col:
        codes = ", ".join(_quote(code) for code in layout.genders)
        checks.append(
            (
                f"upper(btrim(coalesce(s.gender, ''))) NOT IN ({codes})",
                col["gender"],
                "unknown gender code",
                "s.gender",
            )
        )
    if layout.statuses is not None and "status" in col:
        codes = ", ".join(_quote(code) for code in layout.statuses)
        checks.append(
            (
                f"btrim(coalesce(s.status, '')) <> '' AND upper(btrim(s.status)) NOT IN ({codes})",
                col["status"],
                "unknown voter status code",
                "s.status",
            )
        )
    for name, column in STORED_IN.items():
        if name in col:
            width = column.type.length
            checks.append(
                (
                    # The untrimmed length first: btrim only for the rare long value.
                    f"length(s.{name}) > {width} AND length(btrim(s.{name})) > {width}",
                    col[name],
                    f"longer than {width} characters",
                    f"s.{name}",
                )
            )
    coordinates = layout.coordinates or layout.columns.get("lon")
    if coordinates:
        number = "'^-?[0-9]+(\\.[0-9]+)?$'"
        checks.append(
            (
                "(coalesce(s.lon, '') <> '' OR coalesce(s.lat, '') <> '') AND NOT CASE"
                f" WHEN s.lon ~ {number} AND s.lat ~ {number}"
                " THEN s.lon::float8 BETWEEN -180 AND 180 AND s.lat::float8 BETWEEN -90 AND 90"
                " ELSE false END",
                _quote(coordinates),
                "not a longitude,latitude pair",
                "s.lon || ',' || s.lat",
            )
        )
    if staged.history_columns and layout.history is not None:
        checks.append(_history_check(layout, staged))
    return checks


def _history_check(layout: VoterLayout, staged: StagedFile) -> tuple[str, str, str, str]:
    """Rows whose vote-history cells hold unknown codes, naming the first bad column."""
    spec = layout.history
    methods = ", ".join(_quote(code) for code in spec.methods)
    if spec.pair_count:
        # Method cells hold a known code; party cells any party code of the state's list
        # (Pennsylvania's has "INDd" and "TH ").
        cell = "(" + "|".join(sorted(spec.methods, key=len, reverse=True)) + ")?\\x1f[^\\x1f]*"
        bad_cell = f"CASE WHEN h.n % 2 = 1 THEN h.v NOT IN ({methods}, '') ELSE false END"
        headers = [
            name
            for _, election in staged.history_columns
            for name in (f"{election} Vote Method", f"{election} Party")
        ]
    else:
        cell = "[A-Z0-9]{0,3}"
        bad_cell = "h.v !~ '^[A-Z0-9]{0,3}$'"
        headers = [name for _, name in staged.history_columns]
    bad = f"s.history <> '' AND s.history !~ E'^({cell}\\x1f)*{cell}$'"
    first_bad = (
        f"(SELECT h.n FROM unnest(string_to_array(s.history, E'\\x1f')) WITH ORDINALITY AS h(v, n)"
        f" WHERE {bad_cell} ORDER BY h.n LIMIT 1)"
    )
    names = "ARRAY[" + ", ".join(_quote(h) for h in headers) + "]"
    column = f"CASE WHEN {bad} THEN ({names})[{first_bad}] END"
    value = f"CASE WHEN {bad} THEN (string_to_array(s.history, E'\\x1f'))[{first_bad}] END"
    return bad, column, f"unknown code (vote methods: {', '.join(spec.methods)})", value
