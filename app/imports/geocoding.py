"""Place addresses that came without a point, from an imported address-point layer."""

from __future__ import annotations

import operator
from pathlib import Path

from sqlalchemy import text

from app.core.reading import FileRefused, RowReject, check_file, read_rows
from app.extensions import db
from app.imports.progress import JobProgress
from app.imports.staging import analyze
from app.voters.search_columns import assign_areas, copy_homes_to_people

# OpenAddresses' layout, and the shared Philadelphia file's (one address_line to split).
OPENADDRESSES = ("LON", "LAT", "NUMBER", "STREET", "UNIT", "CITY", "POSTCODE")
ADDRESS_LINE_LAYOUT = ("lon", "lat", "address_line", "city", "zip")
HOUSE_AND_STREET = r"^([0-9]+[A-Z]?(?: 1/2)?)\s+(.+)$"


def load_address_points(
    organization_id: int, job_id: int, path: Path, progress: JobProgress
) -> tuple[int, int, list[RowReject]]:
    """Add an address-point layer; returns (rows read, points added, rejects)."""
    header = check_file(path, encoding="utf-8", delimiter=",", what="an address-point file")
    index = {name: i for i, name in enumerate(header)}
    if all(name in index for name in OPENADDRESSES):
        columns = OPENADDRESSES
    elif all(name in index for name in ADDRESS_LINE_LAYOUT):
        columns = ADDRESS_LINE_LAYOUT
    else:
        raise FileRefused(
            "An address-point file needs OpenAddresses columns (LON, LAT, NUMBER, STREET, UNIT,"
            " CITY, POSTCODE) or lon, lat, address_line, city, zip."
        )
    getter = operator.itemgetter(*[index[name] for name in columns])
    db.session.execute(
        text(
            "CREATE TEMP TABLE point_stage (line_no integer, lon text, lat text, number text,"
            " street text, unit text, city text, zip text) ON COMMIT DROP"
        )
    )
    rejects: list[RowReject] = []
    read = 0
    conn = db.session.connection().connection.driver_connection
    with conn.cursor().copy(
        "COPY point_stage (line_no, lon, lat, number, street, unit, city, zip) FROM STDIN"
    ) as copy:
        for line_no, row in read_rows(
            path,
            encoding="utf-8",
            delimiter=",",
            on_progress=lambda b, r: progress.update(bytes_read=b, rows_read=r),
        ):
            read += 1
            if isinstance(row, RowReject):
                rejects.append(row)
                continue
            values = getter(row)
            if columns is OPENADDRESSES:
                copy.write_row((line_no, *values))
            else:
                lon, lat, line, city, zip_code = values
                copy.write_row((line_no, lon, lat, None, line, "", city, zip_code))
    progress.update(phase="matching streets", rows_read=read)
    analyze("point_stage")
    number = "'^-?[0-9]+(\\.[0-9]+)?$'"
    is_point = (
        f"CASE WHEN lon ~ {number} AND lat ~ {number} THEN lon::float8 BETWEEN -180 AND 180"
        " AND lat::float8 BETWEEN -90 AND 90 ELSE false END"
    )
    bad = db.session.execute(
        text(f"SELECT line_no FROM point_stage WHERE NOT ({is_point}) OR coalesce(street, '') = ''")
    )
    rejects += [RowReject(line, "LON/LAT", "not a point with a street") for (line,) in bad]
    added = db.session.execute(
        text(
            f"""
            WITH parsed AS (
                SELECT ST_SetSRID(ST_MakePoint(lon::float8, lat::float8), 4326) AS point,
                       upper(btrim(coalesce(number, m[1], ''))) AS number,
                       upper(btrim(CASE WHEN number IS NULL THEN coalesce(m[2], street)
                                        ELSE street END)) AS raw_street,
                       doorstep_normalize_unit(unit) AS unit,
                       upper(btrim(coalesce(city, ''))) AS city,
                       left(btrim(coalesce(zip, '')), 5) AS zip
                FROM point_stage
                LEFT JOIN LATERAL regexp_match(upper(btrim(street)), :house) AS m ON true
                WHERE {is_point} AND coalesce(street, '') <> ''
            ),
            streets AS (
                SELECT raw, doorstep_normalize_street(raw) AS street
                FROM (SELECT DISTINCT raw_street AS raw FROM parsed) d
            )
            INSERT INTO address_points (organization_id, house_number, street, unit, city,
                                        zip, point, import_job_id)
            SELECT :org, p.number, s.street, p.unit, p.city, p.zip, p.point, :job
            FROM parsed p JOIN streets s ON s.raw = p.raw_street
            WHERE NOT EXISTS (
                SELECT 1 FROM address_points x
                WHERE x.organization_id = :org AND x.house_number = p.number
                  AND x.street = s.street AND x.zip = p.zip AND x.unit = p.unit)
            """
        ),
        {"org": organization_id, "job": job_id, "house": HOUSE_AND_STREET},
    ).rowcount
    analyze("address_points")
    return read, added, rejects


def geocode_addresses(organization_id: int) -> int:
    """Give addresses without a point the point of a matching address point; return how many.

    A match is the same house number and normalised street, in the same ZIP code (or the same
    city when either side has no ZIP). Quality says which.
    """
    result = db.session.execute(
        text(
            """
            WITH matched AS (
                SELECT DISTINCT ON (a.id) a.id, ap.point,
                       CASE WHEN ap.zip = a.zip AND a.zip <> '' THEN 'zip' ELSE 'city' END
                         AS quality
                FROM addresses a
                JOIN address_points ap
                  ON ap.organization_id = a.organization_id
                 AND ap.house_number = a.house_number AND ap.street = a.street
                 AND (ap.zip = a.zip OR ((ap.zip = '' OR a.zip = '') AND ap.city = a.city))
                WHERE a.organization_id = :org AND a.point IS NULL
                ORDER BY a.id, (ap.zip = a.zip) DESC, (ap.unit = '') DESC, ap.id
            )
            UPDATE addresses a SET point = m.point, geocode_source = 'address_point',
                   geocode_quality = m.quality
            FROM matched m WHERE a.id = m.id
            RETURNING a.id
            """
        ),
        {"org": organization_id},
    )
    placed = [row[0] for row in result]
    if placed:
        # The people living there get the point even when no area changes (assign_areas
        # copies homes only for addresses whose areas changed).
        subset = "SELECT unnest(CAST(:placed AS bigint[]))"
        assign_areas(organization_id, subset, placed=placed)
        copy_homes_to_people(organization_id, subset, placed=placed)
    return len(placed)


def geocode_report(organization_id: int) -> dict[str, int | float]:
    """How many addresses have a point, by source, and the share placed."""
    row = (
        db.session.execute(
            text(
                "SELECT count(*) AS addresses,"
                " count(*) FILTER (WHERE point IS NOT NULL) AS placed,"
                " count(*) FILTER (WHERE geocode_source = 'file') AS from_file,"
                " count(*) FILTER (WHERE geocode_source = 'address_point') AS from_address_points,"
                " count(*) FILTER (WHERE geocode_source = 'manual') AS by_hand"
                " FROM addresses WHERE organization_id = :org"
            ),
            {"org": organization_id},
        )
        .one()
        ._asdict()
    )
    row["unplaced"] = row["addresses"] - row["placed"]
    row["placed_rate"] = round(row["placed"] / row["addresses"], 4) if row["addresses"] else 0.0
    return row
