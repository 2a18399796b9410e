"""Building a campaign's targeting sets: the people table turned into bit strings.

Each door (a household, or a person without one) gets a number, largest doors first; its
people are its layers 0, 1, 2 ... (by id). Every person has one bit position: layer 0's doors
first, then layer 1's (the doors with a second person: a prefix of the doors), and so on. For
every key a count can ask about ("party:D", "birth_year:1990", "vote:331", "area:17",
"tag:yard sign", "listable", "reachable", "no_household", "all"), ``targeting_sets`` holds the
bit string of the people who have it. A filter is then AND, OR and NOT over a few strings;
people are the bits set, doors those set in layer 0 once each layer is OR-ed onto it
(``targeting_doors``, migration 0038). See app.universes.targeting.

The build is set-based and reads one snapshot: it runs in a REPEATABLE READ transaction of its
own that also deletes the change-log rows it saw, so a count that sees no change row sees sets
that are exactly its own people. The worker's import loop rebuilds, whenever no import is
waiting, each campaign with changes (app/worker.py), but not sooner after a build than
REBUILD_PAUSE times that build took: rebuilding costs the machine at most about a sixth of its
time while canvassers keep changing people, and counts read people's rows meanwhile.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import text

from app.extensions import db
from app.universes.filters import VOTE_CODE_SLOTS

log = logging.getLogger(__name__)

#: After a build, wait this many times its duration before the next one.
REBUILD_PAUSE = 5

# Each key family: the people (rows of targeting_people) that have the key.
KEY_FAMILIES = (
    "SELECT position, 'all' AS key FROM targeting_people",
    "SELECT position, 'listable' FROM targeting_people"
    " WHERE confidential IS FALSE AND merged_into_id IS NULL",
    "SELECT position, 'reachable' FROM targeting_people"
    " WHERE is_deceased IS FALSE AND do_not_contact IS FALSE AND has_moved IS FALSE",
    "SELECT position, 'no_household' FROM targeting_people WHERE household_id IS NULL",
    "SELECT position, 'stray' FROM targeting_people WHERE stray",
    "SELECT position, 'party:' || party FROM targeting_people WHERE party IS NOT NULL",
    "SELECT position, 'gender:' || gender FROM targeting_people WHERE gender IS NOT NULL",
    "SELECT position, 'registration_status:' || registration_status FROM targeting_people"
    " WHERE registration_status IS NOT NULL",
    "SELECT position, 'birth_year:' || birth_year FROM targeting_people"
    " WHERE birth_year IS NOT NULL",
    "SELECT position, 'vote:' || code FROM targeting_people, unnest(vote_codes) code",
    # People with two codes (methods) in one election: rare, and they count twice there.
    "SELECT position, 'multi:' || election FROM targeting_people, LATERAL ("
    " SELECT code / :slots AS election FROM unnest(vote_codes) code"
    " GROUP BY 1 HAVING count(DISTINCT code) > 1) twice",
    "SELECT position, 'area:' || area FROM targeting_people, unnest(area_ids) area",
    "SELECT position, 'tag:' || tag FROM targeting_people, unnest(tags) tag",
)

NUMBER_PEOPLE = """
CREATE TEMP TABLE targeting_door_numbers ON COMMIT DROP AS
SELECT door, size, cell,
       (row_number() OVER (ORDER BY size DESC, cell NULLS LAST, door) - 1)::int AS ordinal
FROM (SELECT coalesce(household_id, -id) AS door, count(*)::int AS size, min(cell) AS cell
      FROM people WHERE organization_id = :org GROUP BY 1) doors;

CREATE TEMP TABLE targeting_layered ON COMMIT DROP AS
SELECT d.ordinal, (row_number() OVER (PARTITION BY d.door ORDER BY p.id) - 1)::int AS layer,
       p.household_id, p.party, p.gender, p.registration_status, p.birth_year, p.confidential,
       p.merged_into_id, p.is_deceased, p.do_not_contact, p.has_moved, p.vote_codes,
       p.area_ids, p.tags, p.cell, p.location, p.cell IS DISTINCT FROM d.cell AS stray
FROM people p JOIN targeting_door_numbers d ON d.door = coalesce(p.household_id, -p.id)
WHERE p.organization_id = :org;

CREATE TEMP TABLE targeting_layers ON COMMIT DROP AS
SELECT layer, count(*)::int AS size, (sum(count(*)) OVER (ORDER BY layer) - count(*))::int AS start
FROM targeting_layered GROUP BY layer;

CREATE TEMP TABLE targeting_people ON COMMIT DROP AS
SELECT l.start + p.ordinal AS position, p.*
FROM targeting_layered p JOIN targeting_layers l USING (layer)
"""

CLEAR = """
DELETE FROM targeting_sets WHERE organization_id = :org;
DELETE FROM targeting_cells WHERE organization_id = :org;
DELETE FROM targeting_places WHERE organization_id = :org;
"""

# Where people are, for a drawn polygon: each door's cell (doors of one size and cell are
# numbered in a row), and each person's own point; "stray" people live elsewhere than their
# door's cell (or nowhere), and are always tested on their own point.
WRITE_PLACES = """
INSERT INTO targeting_cells (organization_id, cell, first_door, doors, size)
SELECT :org, cell, min(ordinal), count(*), size FROM targeting_door_numbers
WHERE cell IS NOT NULL GROUP BY size, cell;

INSERT INTO targeting_places (organization_id, position, cell, stray, location)
SELECT :org, position, cell, stray, location FROM targeting_people WHERE cell IS NOT NULL
"""

# Bytes with a bit set, as hex, the gaps between them zeros: 'x...' casts to a bit string.
# Only the constant key families above are formatted in.
WRITE_SETS = f"""
INSERT INTO targeting_sets (organization_id, key, bits)
SELECT :org, key, substring(CAST('x' || string_agg(
           repeat('00', byte - coalesce(previous, -1) - 1) || lpad(to_hex(value), 2, '0'),
           '' ORDER BY byte) || repeat('00', :bytes - max(byte) - 1) AS varbit)
       FROM 1 FOR :people)
FROM (
    SELECT key, byte, value, lag(byte) OVER (PARTITION BY key ORDER BY byte) AS previous
    FROM (
        SELECT key, position / 8 AS byte, bit_or(128 >> (position % 8)) AS value
        FROM ({" UNION ALL ".join(KEY_FAMILIES)}) keyed
        GROUP BY key, position / 8
    ) bytes
) gaps
GROUP BY key
"""  # noqa: S608


def build_targeting(organization_id: int) -> dict[str, float]:
    """Rebuild one campaign's sets from one snapshot, in a transaction of its own."""
    started = time.perf_counter()
    lock = text("SELECT pg_advisory_lock(hashtextextended('targeting', :org))")
    unlock = text("SELECT pg_advisory_unlock(hashtextextended('targeting', :org))")
    params = {"org": organization_id}
    with db.engine.connect() as conn:
        # One build per campaign at a time (taken before the snapshot, so the second build
        # sees what the first committed).
        conn.execute(lock, params)
        conn.commit()
        try:
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            conn.execute(text("SET LOCAL work_mem = '256MB'"))
            conn.execute(text("DELETE FROM targeting_changes WHERE organization_id = :org"), params)
            for statement in NUMBER_PEOPLE.split(";\n"):
                conn.execute(text(statement), params)
            sizes = list(conn.scalars(text("SELECT size FROM targeting_layers ORDER BY layer")))
            people = sum(sizes)
            for statement in (CLEAR + WRITE_PLACES).split(";\n"):
                conn.execute(text(statement), params)
            if people:
                sizes_params = {"people": people, "bytes": (people + 7) // 8}
                conn.execute(text(WRITE_SETS), {**params, **sizes_params, "slots": VOTE_CODE_SLOTS})
            seconds = time.perf_counter() - started
            conn.execute(
                text(
                    "INSERT INTO targeting_builds (organization_id, people, layer_sizes, seconds)"
                    " VALUES (:org, :people, :sizes, :seconds)"
                    " ON CONFLICT (organization_id) DO UPDATE SET people = excluded.people,"
                    " layer_sizes = excluded.layer_sizes, seconds = excluded.seconds,"
                    " built_at = now()"
                ),
                {**params, "people": people, "sizes": sizes, "seconds": seconds},
            )
            conn.commit()
        finally:
            conn.rollback()
            conn.execute(unlock, params)
            conn.commit()
    log.info("targeting sets of campaign %s: %s people in %.1f s", organization_id, people, seconds)
    return {"people": people, "layers": len(sizes), "seconds": seconds}


def stale_campaigns(*, pause: float = 0) -> list[int]:
    """Campaigns with a change their sets lack (and, with ``pause``, whose last build ended
    at least ``pause`` times its duration ago), or with people and no sets yet."""
    return list(
        db.session.scalars(
            text(
                "SELECT DISTINCT c.organization_id FROM targeting_changes c"
                " LEFT JOIN targeting_builds b ON b.organization_id = c.organization_id"
                " WHERE b.built_at IS NULL OR b.built_at"
                "   + make_interval(secs => b.seconds * (1 + :pause)) < now()"
                " UNION SELECT o.id FROM organizations o"
                " WHERE NOT EXISTS (SELECT FROM targeting_builds b WHERE b.organization_id = o.id)"
                "   AND EXISTS (SELECT FROM people p WHERE p.organization_id = o.id)"
                " ORDER BY 1"
            ),
            {"pause": pause},
        )
    )


def rebuild_stale_targeting() -> int:
    """Rebuild the sets of each campaign whose people changed (the worker, when idle)."""
    campaigns = stale_campaigns(pause=REBUILD_PAUSE)
    db.session.rollback()  # the builds run in connections of their own
    for organization_id in campaigns:
        build_targeting(organization_id)
    return len(campaigns)
