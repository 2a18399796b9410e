"""Keep the people table's search columns in step with registrations, homes and votes.

Universes read one table (people); these set-based statements copy party, status,
confidentiality, location, areas and vote codes onto it for a set of people.
"""

from __future__ import annotations

from sqlalchemy import text

from app.extensions import db
from app.voters.models import VOTE_METHOD_CODES

METHOD_CODE_SQL = (
    "CASE v.method "
    + " ".join(f"WHEN '{method.value}' THEN {code}" for method, code in VOTE_METHOD_CODES.items())
    + f" ELSE {VOTE_METHOD_CODES['unknown']} END"
)


def refresh_search_columns(organization_id: int, people_sql: str, **params) -> int:
    """Recompute the search columns of the people whose ids ``people_sql`` selects.

    The newest on-file registration gives party, status and household; a person is
    confidential when any of their registrations is.
    """
    statement = text(
        f"""
        WITH targets AS (
            SELECT p.id, p.household_id FROM people p
            WHERE p.organization_id = :organization_id AND p.id IN ({people_sql})
        ),
        reg AS (
            SELECT DISTINCT ON (r.person_id) r.person_id, r.party, r.status, r.household_id
            FROM registrations r JOIN targets t ON t.id = r.person_id
            ORDER BY r.person_id, r.on_file DESC, r.updated_at DESC, r.id DESC
        ),
        flags AS (
            SELECT r.person_id, bool_or(r.confidential) AS confidential
            FROM registrations r JOIN targets t ON t.id = r.person_id
            GROUP BY r.person_id
        ),
        codes AS (
            SELECT r.person_id, array_agg(v.election_id * 8 + {METHOD_CODE_SQL}) AS codes
            FROM votes v
            JOIN registrations r ON r.id = v.registration_id
            JOIN targets t ON t.id = r.person_id
            GROUP BY r.person_id
        )
        UPDATE people p SET
            party = coalesce(reg.party, p.party),
            registration_status = coalesce(reg.status, p.registration_status),
            household_id = coalesce(reg.household_id, p.household_id),
            confidential = coalesce(flags.confidential, p.confidential),
            vote_codes = coalesce(codes.codes, '{{}}'),
            location = a.point,
            area_ids = coalesce(a.area_ids, '{{}}')
        FROM targets t
        LEFT JOIN reg ON reg.person_id = t.id
        LEFT JOIN flags ON flags.person_id = t.id
        LEFT JOIN codes ON codes.person_id = t.id
        LEFT JOIN households h ON h.id = coalesce(reg.household_id, t.household_id)
        LEFT JOIN addresses a ON a.id = h.address_id
        WHERE p.id = t.id AND p.organization_id = :organization_id
        """
    )
    result = db.session.execute(statement, {"organization_id": organization_id, **params})
    return result.rowcount


def copy_homes_to_people(organization_id: int, address_ids_sql: str, **params) -> int:
    """Give the people living at these addresses the address's current point and areas."""
    statement = text(
        f"""
        UPDATE people p SET location = a.point, area_ids = a.area_ids
        FROM households h JOIN addresses a ON a.id = h.address_id
        WHERE p.household_id = h.id AND p.organization_id = :organization_id
          AND a.id IN ({address_ids_sql})
          AND (p.area_ids IS DISTINCT FROM a.area_ids
               OR NOT (p.location IS NOT DISTINCT FROM a.point))
        """
    )
    return db.session.execute(statement, {"organization_id": organization_id, **params}).rowcount


def assign_areas(organization_id: int, address_ids_sql: str | None = None, **params) -> int:
    """Point in polygon: record on each address (all, or those selected) the areas holding it."""
    subset = f"AND a.id IN ({address_ids_sql})" if address_ids_sql else ""
    statement = text(
        f"""
        WITH found AS (
            SELECT a.id,
                   coalesce(array_agg(ar.id ORDER BY ar.id) FILTER (WHERE ar.id IS NOT NULL),
                            '{{}}') AS ids
            FROM addresses a
            LEFT JOIN areas ar
              ON ar.organization_id = a.organization_id AND ST_Covers(ar.geom, a.point)
            WHERE a.organization_id = :organization_id {subset}
            GROUP BY a.id
        )
        UPDATE addresses a SET area_ids = found.ids
        FROM found WHERE a.id = found.id AND a.area_ids IS DISTINCT FROM found.ids
        RETURNING a.id
        """
    )
    changed = [
        row[0]
        for row in db.session.execute(statement, {"organization_id": organization_id, **params})
    ]
    if changed:
        copy_homes_to_people(
            organization_id, "SELECT unnest(CAST(:changed AS bigint[]))", changed=changed
        )
    return len(changed)
