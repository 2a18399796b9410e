"""The homes of a voter file's new and changed rows: addresses (placed in areas) and households.

Reads ``import_voters`` (see app.imports.voters); writes ``import_touched_addresses`` (known
addresses whose point changed, whose people must follow) and ``import_homes`` (each row's
address and unit).
"""

from __future__ import annotations

from sqlalchemy import text

from app.extensions import db
from app.imports.staging import analyze_staged, execute_script


def upsert_addresses(params: dict) -> int:
    """New addresses, and new points for known ones (a director's pin is never overwritten).

    Only those are placed in areas (point in polygon, the costly part): a re-import whose
    homes did not move skips it. Returns how many addresses were added or moved.
    """
    execute_script(
        """
        CREATE TEMP TABLE import_touched_addresses (id bigint) ON COMMIT DROP;
        CREATE TEMP TABLE import_addresses ON COMMIT DROP AS
        SELECT row_number() OVER () AS n, d.* FROM (
            SELECT DISTINCT ON (house_number, house_number_suffix, street, zip)
                   house_number, house_number_suffix, street, city, state, zip, point
            FROM import_voters WHERE street <> ''
            ORDER BY house_number, house_number_suffix, street, zip, point IS NULL, line_no
        ) d
        """,
        params,
    )
    analyze_staged("import_addresses")
    execute_script(
        """
        DELETE FROM import_addresses n USING addresses a
        WHERE a.organization_id = :org AND a.house_number = n.house_number
          AND a.house_number_suffix = n.house_number_suffix AND a.street = n.street
          AND a.zip = n.zip
          AND NOT (n.point IS NOT NULL AND a.geocode_source IS DISTINCT FROM 'manual'
                   AND (a.point IS NULL OR NOT ST_Equals(a.point, n.point)));
        CREATE INDEX ON import_addresses USING gist (point);
        -- Each area against the points in its box: one polygon after another, so PostGIS
        -- tests each against its prepared (indexed) form instead of re-reading it per point.
        CREATE TEMP TABLE import_address_areas ON COMMIT DROP AS
        SELECT n.n, array_agg(ar.id ORDER BY ar.id) AS area_ids
        FROM areas ar JOIN import_addresses n ON ST_Covers(ar.geom, n.point)
        WHERE ar.organization_id = :org
        GROUP BY n.n;
        WITH upserted AS (
            INSERT INTO addresses AS a (organization_id, house_number, house_number_suffix,
                                        street, city, state, zip, point, geocode_source,
                                        geocode_quality, area_ids)
            SELECT :org, n.house_number, n.house_number_suffix, n.street, n.city, n.state,
                   n.zip, n.point,
                   CASE WHEN n.point IS NOT NULL THEN 'file' END,
                   CASE WHEN n.point IS NOT NULL THEN 'file' END,
                   coalesce(x.area_ids, '{}')
            FROM import_addresses n LEFT JOIN import_address_areas x ON x.n = n.n
            ON CONFLICT ON CONSTRAINT uq_addresses_key DO UPDATE
              SET point = EXCLUDED.point, geocode_source = 'file', geocode_quality = 'file',
                  area_ids = EXCLUDED.area_ids
            RETURNING a.id, a.xmax::text <> '0' AS was_known
        )
        INSERT INTO import_touched_addresses SELECT id FROM upserted WHERE was_known
        """,
        params,
    )
    return db.session.scalar(text("SELECT count(*) FROM import_addresses"))


def upsert_households(params: dict) -> int:
    """import_homes: each row's address and unit; the households missing added (how many)."""
    result = execute_script(
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
    return result[-1].rowcount
