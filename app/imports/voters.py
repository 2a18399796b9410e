"""Load a voter file: stage it, reject bad rows, then upsert homes, people, registrations and
votes with set-based SQL, all in the caller's one transaction.

Matching is on the state's voter key. A row whose fields hash the same as last time is left
alone, so importing the same file twice changes nothing. People missing from a newer full file
are marked off file, never deleted; what the campaign attached to them stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from app.core.reading import FileRefused
from app.extensions import db
from app.imports.dates import sql_checked_date
from app.imports.geocoding import geocode_addresses
from app.imports.homes import upsert_addresses, upsert_households
from app.imports.layouts import CANONICAL_FIELDS, VoterLayout
from app.imports.people_rows import mark_removed, record_interactions, write_people
from app.imports.progress import JobProgress
from app.imports.staging import (
    StagedFile,
    analyze,
    analyze_staged,
    find_bad_rows,
    find_duplicates,
    stage_voter_file,
)
from app.imports.votes import unpack_votes, upsert_elections, write_votes
from app.voters.search_columns import copy_homes_to_people, refresh_search_columns

# Fields whose change makes a registration "updated" (hashed per row).
HASHED = [name for name in CANONICAL_FIELDS if name not in ("email",)] + ["history"]
SOURCE_HASH_SQL = (
    "md5(concat_ws(E'\\x1e', " + ", ".join(f"coalesce(s.{name}, '')" for name in HASHED) + "))"
)
ADDRESS_LINE = (
    r"^([0-9]+[A-Z]?(?: 1/2)?)\s+(.+?)(?:\s+(?:APT|UNIT|STE|SUITE|LOT|#)\s*#?\s*([A-Z0-9-]+))?$"
)


@dataclass
class VoterImportResult:
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    removed: int = 0
    summary: dict = field(default_factory=dict)


def import_voters(
    organization_id: int,
    job_id: int,
    path: Path,
    layout: VoterLayout,
    progress: JobProgress,
    *,
    elections: dict | None = None,
    full_file: bool = True,
    filename: str = "",
) -> VoterImportResult:
    if layout.history is not None and layout.history.pair_count and elections is None:
        raise FileRefused(
            f"{layout.title} files number their elections; give the election map that came "
            'with the file (JSON: {"Election 1": {"description": ..., "date": ...}}).',
            fields={"elections": "missing"},
        )
    staged = stage_voter_file(path, layout, progress)
    if staged.rows_read == 0:
        raise FileRefused("The file has a header row but no data rows.", fields={"file": "empty"})
    progress.update(phase="checking rows", rows_read=staged.rows_read)
    _save_row_rejects(job_id, staged)
    params = {
        "org": organization_id,
        "job": job_id,
        "state": layout.state,
        "date_format": layout.date_format,
        "filename": filename[:120],
    }
    params["on_file_before"] = db.session.scalar(
        text(
            "SELECT count(*) FROM registrations"
            " WHERE organization_id = :org AND state = :state AND on_file"
        ),
        params,
    )
    analyze_staged("import_stage")  # hash joins below, not sorts of the whole file
    find_duplicates()
    # Lines exactly as this campaign has them (the same hash, still on file) were checked and
    # written by an earlier import: they go no further.
    unchanged = _set_aside_unchanged(params)
    analyze_staged("import_unchanged")
    bad_lines = find_bad_rows(job_id, layout, staged, known_lines="import_unchanged")
    result = VoterImportResult(rows_read=staged.rows_read)
    result.rejected = len({r.line_no for r in staged.rejects}) + bad_lines
    progress.update(phase="matching homes", rows_rejected=result.rejected)

    upsert_elections(organization_id, layout, staged, elections)
    _clean_rows(layout, params)
    analyze_staged("import_voters")
    touched_addresses = upsert_addresses(params)
    if touched_addresses:
        analyze("addresses")
    geocoded = geocode_addresses(organization_id)  # places (and assigns areas to) the rest
    if upsert_households(params):
        analyze("households")
    analyze_staged("import_homes")
    progress.update(phase="matching people")
    _match_rows(params)
    analyze_staged("import_rows", "import_elections")
    result.inserted, result.updated, unchanged_matched, matched_on_file = db.session.execute(
        text(
            "SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE is_changed),"
            " count(*) FILTER (WHERE NOT is_new AND NOT is_changed),"
            " count(*) FILTER (WHERE was_on_file) FROM import_rows"
        )
    ).one()
    result.unchanged = unchanged + unchanged_matched
    progress.update(phase="unpacking votes")
    unpack_votes(layout, params)
    progress.update(phase="writing people")
    write_people(params, has_changes=result.updated > 0)
    progress.update(phase="writing votes")
    write_votes(params, has_changes=result.updated > 0)
    progress.update(phase="removed and history")
    db.session.execute(text("CREATE TEMP TABLE import_removed (person_id bigint) ON COMMIT DROP"))
    # Every voter on file before matched a good row of this file: nobody can be missing.
    if full_file and not staged.rejects and params["on_file_before"] > unchanged + matched_on_file:
        analyze("registrations")
        result.removed = mark_removed(params)
    record_interactions(params)
    progress.update(phase="search columns")
    # Known people whose home moved (new point or areas) and people no longer on file.
    analyze_staged("import_touched_addresses", "import_removed")
    copy_homes_to_people(organization_id, "SELECT id FROM import_touched_addresses")
    refresh_search_columns(organization_id, "SELECT person_id FROM import_removed")
    progress.update(phase="analyze")
    if result.inserted or result.updated or result.removed:
        # For the universes that read these next, and the next import.
        analyze("people", "interactions")
    progress.update(phase="done")
    result.summary = {
        "layout": layout.name,
        "phase_seconds": progress.phase_seconds,
        "addresses_changed": touched_addresses,
        "geocoded_from_address_points": geocoded,
        "removed_step": (
            "skipped: some rows could not be read, so missing voters were not marked removed"
            if full_file and staged.rejects
            else ("done" if full_file else "skipped: not a full file")
        ),
    }
    return result


def _save_row_rejects(job_id: int, staged: StagedFile) -> None:
    if not staged.rejects:
        return
    conn = db.session.connection().connection.driver_connection
    with conn.cursor().copy(
        'COPY import_rejects (job_id, line_no, "column", reason, value) FROM STDIN'
    ) as copy:
        for reject in staged.rejects:
            copy.write_row((job_id, reject.line_no, reject.column, reject.reason, reject.value))


def _set_aside_unchanged(params: dict) -> int:
    """import_unchanged: the lines whose fields hash as their on-file registration's did.

    Not a later line of a duplicated voter id: that one is a reject whatever it holds.
    """
    return db.session.execute(
        text(f"""
        CREATE TEMP TABLE import_unchanged ON COMMIT DROP AS
        SELECT s.line_no FROM import_stage s
        JOIN registrations r
          ON r.organization_id = :org AND r.state = :state AND r.state_key = btrim(s.state_key)
        WHERE r.on_file AND r.source_hash = {SOURCE_HASH_SQL}
          AND NOT EXISTS (SELECT 1 FROM import_duplicates d
                          WHERE d.state_key = btrim(s.state_key) AND s.line_no > d.first_line)
        """),
        params,
    ).rowcount


def _clean_rows(layout: VoterLayout, params: dict) -> None:
    """import_voters: the good rows, typed and normalised, with their address key."""
    db.session.execute(
        text(
            "CREATE TEMP TABLE import_streets ON COMMIT DROP AS"
            " SELECT raw, doorstep_normalize_street(raw) AS street FROM (SELECT DISTINCT"
            " upper(btrim(coalesce(nullif(s.street, ''),"
            " (regexp_match(upper(btrim(s.address_line)), :pattern))[2], s.address_line, '')))"
            " AS raw FROM import_stage s) d"
        ),
        {"pattern": ADDRESS_LINE},
    )
    confidential = ", ".join(f"'{v}'" for v in layout.confidential_values)
    birth_date = sql_checked_date("s.birth_date", layout.date_format)
    db.session.execute(
        text(f"""
        CREATE TEMP TABLE import_voters ON COMMIT DROP AS
        SELECT s.line_no,
               btrim(s.state_key) AS state_key,
               nullif(btrim(s.title), '') AS title,
               nullif(btrim(s.first_name), '') AS first_name,
               nullif(btrim(s.middle_name), '') AS middle_name,
               nullif(btrim(s.last_name), '') AS last_name,
               nullif(btrim(s.suffix), '') AS suffix,
               coalesce(nullif(upper(left(btrim(s.gender), 1)), ''), 'U') AS gender,
               {sql_checked_date("s.birth_date", layout.date_format)} AS birth_date,
               coalesce(CASE WHEN s.birth_year ~ '^[0-9]{{4}}$' THEN s.birth_year::smallint END,
                        extract(year FROM {birth_date})::smallint) AS birth_year,
               {sql_checked_date("s.registered_on", layout.date_format)} AS registered_on,
               nullif(upper(btrim(s.status)), '') AS status,
               {sql_checked_date("s.status_changed_on", layout.date_format)} AS status_changed_on,
               {sql_checked_date("s.last_voted_on", layout.date_format)} AS last_voted_on,
               nullif(upper(btrim(s.party)), '') AS party,
               upper(btrim(coalesce(nullif(s.house_number, ''), parsed.m[1], ''))) AS house_number,
               upper(btrim(coalesce(s.house_number_suffix, ''))) AS house_number_suffix,
               coalesce(st.street, '') AS street,
               doorstep_normalize_unit(coalesce(nullif(s.unit, ''), parsed.m[3], '')) AS unit,
               upper(btrim(coalesce(s.city, ''))) AS city,
               upper(left(btrim(coalesce(nullif(s.state, ''), :state)), 2)) AS state,
               left(btrim(coalesce(s.zip, '')), 5) AS zip,
               CASE WHEN coalesce(s.lon, '') <> '' THEN
                 ST_SetSRID(ST_MakePoint(s.lon::float8, s.lat::float8), 4326) END AS point,
               nullif(btrim(s.precinct_code), '') AS precinct_code,
               nullif(btrim(s.precinct_split), '') AS precinct_split,
               nullif(btrim(s.county), '') AS county,
               upper(btrim(coalesce(s.confidential, ''))) IN ({confidential}) AS confidential,
               {SOURCE_HASH_SQL} AS source_hash
        FROM import_stage s
        LEFT JOIN LATERAL (SELECT regexp_match(upper(btrim(s.address_line)), :pattern) AS m) parsed
          ON true
        LEFT JOIN import_streets st ON st.raw = upper(btrim(coalesce(nullif(s.street, ''),
          parsed.m[2], s.address_line, '')))
        WHERE NOT EXISTS (SELECT 1 FROM import_bad_lines b WHERE b.line_no = s.line_no)
          AND NOT EXISTS (SELECT 1 FROM import_unchanged u WHERE u.line_no = s.line_no)
        """),
        {**params, "pattern": ADDRESS_LINE},
    )


def _match_rows(params: dict) -> None:
    """import_rows: each good row with its person and registration, new ids drawn up front."""
    db.session.execute(
        text("""
        CREATE TEMP TABLE import_rows ON COMMIT DROP AS
        SELECT v.*, h.id AS household_id,
               r.id IS NULL AS is_new,
               r.id IS NOT NULL AND (r.source_hash IS DISTINCT FROM v.source_hash
                                     OR NOT r.on_file) AS is_changed,
               coalesce(r.on_file, false) AS was_on_file,
               coalesce(r.id, nextval(pg_get_serial_sequence('registrations', 'id')))
                 AS registration_id,
               coalesce(r.person_id, nextval(pg_get_serial_sequence('people', 'id')))
                 AS person_id
        FROM import_voters v
        LEFT JOIN import_homes ih ON ih.line_no = v.line_no
        LEFT JOIN households h ON h.address_id = ih.address_id AND h.unit = ih.unit
        LEFT JOIN registrations r
          ON r.organization_id = :org AND r.state = :state AND r.state_key = v.state_key
        """),
        params,
    )
