"""Write a voter file's new and changed rows: people, registrations, the voters no longer on
the file, and each person's history entry. Reads ``import_rows`` (see app.imports.voters).
"""

from __future__ import annotations

from sqlalchemy import text

from app.extensions import db
from app.imports.staging import analyze_staged
from app.voters.search_columns import METHOD_CODE_SQL

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


def write_people(params: dict, *, has_changes: bool) -> None:
    """New people with their search columns; changed ones updated; then registrations.

    The updates only run when some row changed: on a first import the statistics of the
    just-filled tables are stale and the planner may pick a nested loop over them.
    """
    # Materialised and analysed: as a subquery joined back to import_rows, the planner once
    # chose a nested loop over 150,000 x 150,000 rows.
    analyze_staged("import_votes")
    db.session.execute(
        text(
            f"CREATE TEMP TABLE import_search ON COMMIT DROP AS {SEARCH_COLUMNS_SQL}"
            " WHERE r.is_new OR r.is_changed"
        ),
        params,
    )
    analyze_staged("import_search")
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


def mark_removed(params: dict) -> int:
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


def record_interactions(params: dict) -> None:
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
