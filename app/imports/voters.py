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
from app.imports.layouts import CANONICAL_FIELDS, VoterLayout
from app.imports.progress import JobProgress
from app.imports.staging import (
    StagedFile,
    analyze,
    execute_script,
    find_bad_rows,
    stage_voter_file,
)
from app.imports.votes import unpack_votes, upsert_elections, write_votes
from app.voters.search_columns import (
    METHOD_CODE_SQL,
    copy_homes_to_people,
    refresh_search_columns,
)

# Fields whose change makes a registration "updated" (hashed per row).
HASHED = [name for name in CANONICAL_FIELDS if name not in ("email",)] + ["history"]
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
    bad_lines = find_bad_rows(job_id, layout, staged)
    result = VoterImportResult(rows_read=staged.rows_read)
    result.rejected = len({r.line_no for r in staged.rejects}) + bad_lines
    progress.update(phase="matching homes", rows_rejected=result.rejected)

    params = {
        "org": organization_id,
        "job": job_id,
        "state": layout.state,
        "date_format": layout.date_format,
        "filename": filename[:120],
    }
    upsert_elections(organization_id, layout, staged, elections)
    _clean_rows(layout, params)
    analyze("import_voters")
    touched_addresses = _upsert_addresses(params)
    analyze("addresses")
    geocoded = geocode_addresses(organization_id)  # places (and assigns areas to) the rest
    _upsert_households(params)
    analyze("households", "import_homes")
    progress.update(phase="matching people")
    _match_rows(params)
    analyze("import_rows", "import_elections")
    result.inserted, result.updated, result.unchanged = db.session.execute(
        text(
            "SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE is_changed),"
            " count(*) FILTER (WHERE NOT is_new AND NOT is_changed) FROM import_rows"
        )
    ).one()
    progress.update(phase="unpacking votes")
    unpack_votes(layout, params)
    progress.update(phase="writing people")
    _write_people(params, has_changes=result.updated > 0)
    progress.update(phase="writing votes")
    write_votes(params, has_changes=result.updated > 0)
    progress.update(phase="removed and history")
    analyze("people", "registrations", "votes", "import_stage", "import_touched_addresses")
    db.session.execute(text("CREATE TEMP TABLE import_removed (person_id bigint) ON COMMIT DROP"))
    if full_file and not staged.rejects:
        result.removed = _mark_removed(params)
    _record_interactions(params)
    progress.update(phase="search columns")
    # Known people whose home moved (new point or areas) and people no longer on file.
    copy_homes_to_people(organization_id, "SELECT id FROM import_touched_addresses")
    refresh_search_columns(organization_id, "SELECT person_id FROM import_removed")
    progress.update(phase="analyze")
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
    hashed = ", ".join(f"coalesce(s.{name}, '')" for name in HASHED)
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
               string_to_array(nullif(s.history, ''), E'\\x1f') AS cells,
               md5(concat_ws(E'\\x1e', {hashed})) AS source_hash
        FROM import_stage s
        LEFT JOIN LATERAL (SELECT regexp_match(upper(btrim(s.address_line)), :pattern) AS m) parsed
          ON true
        LEFT JOIN import_streets st ON st.raw = upper(btrim(coalesce(nullif(s.street, ''),
          parsed.m[2], s.address_line, '')))
        WHERE NOT EXISTS (SELECT 1 FROM import_bad_lines b WHERE b.line_no = s.line_no)
        """),
        {**params, "pattern": ADDRESS_LINE},
    )


def _upsert_addresses(params: dict) -> int:
    """New addresses, and new points for known ones (a director's pin is never overwritten).

    Only those are placed in areas (point in polygon, the costly part): a re-import whose
    homes did not move skips it.
    """
    result = execute_script(
        """
        CREATE TEMP TABLE import_touched_addresses (id bigint) ON COMMIT DROP;
        CREATE TEMP TABLE import_addresses ON COMMIT DROP AS
        SELECT DISTINCT ON (house_number, house_number_suffix, street, zip)
               house_number, house_number_suffix, street, city, state, zip, point
        FROM import_voters WHERE street <> ''
        ORDER BY house_number, house_number_suffix, street, zip, point IS NULL, line_no;
        ANALYZE import_addresses;
        DELETE FROM import_addresses n USING addresses a
        WHERE a.organization_id = :org AND a.house_number = n.house_number
          AND a.house_number_suffix = n.house_number_suffix AND a.street = n.street
          AND a.zip = n.zip
          AND NOT (n.point IS NOT NULL AND a.geocode_source IS DISTINCT FROM 'manual'
                   AND (a.point IS NULL OR NOT ST_Equals(a.point, n.point)));
        WITH upserted AS (
            INSERT INTO addresses AS a (organization_id, house_number, house_number_suffix,
                                        street, city, state, zip, point, geocode_source,
                                        geocode_quality, area_ids)
            SELECT :org, n.house_number, n.house_number_suffix, n.street, n.city, n.state,
                   n.zip, n.point,
                   CASE WHEN n.point IS NOT NULL THEN 'file' END,
                   CASE WHEN n.point IS NOT NULL THEN 'file' END,
                   coalesce((SELECT array_agg(ar.id ORDER BY ar.id) FROM areas ar
                             WHERE ar.organization_id = :org
                               AND ST_Covers(ar.geom, n.point)), '{}')
            FROM import_addresses n
            ON CONFLICT ON CONSTRAINT uq_addresses_key DO UPDATE
              SET point = EXCLUDED.point, geocode_source = 'file', geocode_quality = 'file',
                  area_ids = EXCLUDED.area_ids
            RETURNING a.id
        )
        INSERT INTO import_touched_addresses SELECT id FROM upserted
        """,
        params,
    )
    return result[-1].rowcount


def _upsert_households(params: dict) -> None:
    execute_script(
        """
        CREATE TEMP TABLE import_homes ON COMMIT DROP AS
        SELECT v.line_no, a.id AS address_id, v.unit
        FROM import_voters v JOIN addresses a
          ON a.organization_id = :org AND a.house_number = v.house_number
         AND a.house_number_suffix = v.house_number_suffix AND a.street = v.street
         AND a.zip = v.zip;
        INSERT INTO households (organization_id, address_id, unit)
        SELECT :org, address_id, unit FROM (SELECT DISTINCT address_id, unit FROM import_homes) n
        WHERE NOT EXISTS (SELECT 1 FROM households h
                          WHERE h.address_id = n.address_id AND h.unit = n.unit)
        ON CONFLICT (address_id, unit) DO NOTHING;
        """,
        params,
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


SEARCH_COLUMNS_SQL = f"""
    SELECT r.person_id, r.party, r.status, r.confidential, a.point, a.area_ids,
           coalesce(c.codes, '{{}}') AS vote_codes
    FROM import_rows r
    LEFT JOIN households h ON h.id = r.household_id
    LEFT JOIN addresses a ON a.id = h.address_id
    LEFT JOIN (SELECT v.registration_id, array_agg(v.election_id * 8 + {METHOD_CODE_SQL}) AS codes
               FROM import_votes v GROUP BY v.registration_id) c
      ON c.registration_id = r.registration_id
"""


# The codes of a changed person's votes that this file does not replace (see _write_votes).
KEPT_VOTE_CODES_SQL = f"""
    SELECT array_agg(v.election_id * 8 + {METHOD_CODE_SQL})
    FROM registrations g JOIN votes v ON v.registration_id = g.id
    WHERE g.person_id = p.id
      AND NOT (g.id = r.registration_id
               AND v.election_id IN (SELECT election_id FROM import_elections))
"""


def _write_people(params: dict, *, has_changes: bool) -> None:
    """New people with their search columns; changed ones updated; then registrations.

    The updates only run when some row changed: on a first import the statistics of the
    just-filled tables are stale and the planner may pick a nested loop over them.
    """
    # Materialised and analysed: as a subquery joined back to import_rows, the planner once
    # chose a nested loop over 150,000 x 150,000 rows.
    analyze("import_votes")
    db.session.execute(
        text(
            f"CREATE TEMP TABLE import_search ON COMMIT DROP AS {SEARCH_COLUMNS_SQL}"
            " WHERE r.is_new OR r.is_changed"
        ),
        params,
    )
    analyze("import_search")
    statements = [
        part.strip()
        for part in f"""
        INSERT INTO people (id, organization_id, source, title, first_name, middle_name,
                            last_name, suffix, gender, birth_date, birth_year, household_id,
                            party, registration_status, confidential, location, area_ids,
                            vote_codes)
        SELECT r.person_id, :org, 'voter_file', r.title, r.first_name, r.middle_name,
               r.last_name, r.suffix, r.gender, r.birth_date, r.birth_year, r.household_id,
               x.party, x.status, x.confidential, x.point, coalesce(x.area_ids, '{{}}'),
               x.vote_codes
        FROM import_rows r JOIN import_search x ON x.person_id = r.person_id
        WHERE r.is_new
        -- Neighbours share table pages, so a search of one area (a universe's polygon, a
        -- turf's doors) reads a few pages rather than a few rows from every page.
        ORDER BY ST_GeoHash(x.point), r.household_id, r.person_id;

        UPDATE people p SET title = r.title, first_name = r.first_name,
               middle_name = r.middle_name, last_name = r.last_name, suffix = r.suffix,
               gender = r.gender, birth_date = coalesce(r.birth_date, p.birth_date),
               birth_year = coalesce(r.birth_year, p.birth_year),
               household_id = coalesce(r.household_id, p.household_id),
               party = x.party, registration_status = x.status,
               confidential = x.confidential, location = x.point,
               area_ids = coalesce(x.area_ids, '{{}}'),
               vote_codes = x.vote_codes || coalesce(({KEPT_VOTE_CODES_SQL}), '{{}}'),
               updated_at = now()
        FROM import_rows r JOIN import_search x ON x.person_id = r.person_id
        WHERE r.is_changed AND p.id = r.person_id;

        INSERT INTO registrations (id, organization_id, person_id, household_id, state,
               state_key, county, status, party, registered_on, status_changed_on,
               last_voted_on, precinct_code, precinct_split, confidential, on_file,
               first_import_job_id, last_import_job_id, source_hash)
        SELECT registration_id, :org, person_id, household_id, :state, state_key, county,
               status, party, registered_on, status_changed_on, last_voted_on, precinct_code,
               precinct_split, confidential, true, :job, :job, source_hash
        FROM import_rows WHERE is_new;

        UPDATE registrations g SET household_id = r.household_id, county = r.county,
               status = r.status, party = r.party, registered_on = r.registered_on,
               status_changed_on = r.status_changed_on, last_voted_on = r.last_voted_on,
               precinct_code = r.precinct_code, precinct_split = r.precinct_split,
               confidential = r.confidential, on_file = true, removed_at = NULL,
               last_import_job_id = :job, source_hash = r.source_hash, updated_at = now()
        FROM import_rows r WHERE r.is_changed AND g.id = r.registration_id
        """.split(";\n")
    ]
    for statement in statements:
        if has_changes or not statement.startswith("UPDATE"):
            db.session.execute(text(statement), params)


def _mark_removed(params: dict) -> int:
    result = db.session.execute(
        text("""
        WITH gone AS (
            UPDATE registrations g SET on_file = false, removed_at = now(),
                   last_import_job_id = :job, updated_at = now()
            WHERE g.organization_id = :org AND g.state = :state AND g.on_file
              AND NOT EXISTS (SELECT 1 FROM import_stage s WHERE btrim(s.state_key) = g.state_key)
              -- A full file covers the counties it lists (North Carolina publishes one file
              -- per county): a second county's file leaves the first county's voters alone.
              AND (g.county IS NULL OR g.county IN (
                    SELECT DISTINCT btrim(s.county) FROM import_stage s
                    WHERE coalesce(btrim(s.county), '') <> ''))
            RETURNING g.person_id
        )
        INSERT INTO import_removed SELECT person_id FROM gone
        """),
        params,
    )
    return result.rowcount


def _record_interactions(params: dict) -> None:
    db.session.execute(
        text("""
        INSERT INTO interactions (organization_id, person_id, kind, import_job_id, summary, data)
        SELECT :org, person_id, 'import', :job,
               CASE WHEN is_new THEN 'Added from the voter file'
                    ELSE 'Updated from the voter file' END,
               jsonb_build_object('action', CASE WHEN is_new THEN 'added' ELSE 'updated' END,
                                  'state', CAST(:state AS text), 'state_key', state_key,
                                  'file', CAST(:filename AS text))
        FROM import_rows WHERE is_new OR is_changed
        UNION ALL
        SELECT :org, person_id, 'import', :job, 'No longer on the voter file',
               jsonb_build_object('action', 'removed', 'state', CAST(:state AS text),
                                  'file', CAST(:filename AS text))
        FROM import_removed
        """),
        params,
    )
