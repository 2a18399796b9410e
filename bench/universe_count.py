"""Time universe counts over a million people (goal: every filter under 150 ms at p95; the
ward-boundary mixed filter also at most 1.5x a bare count(*) of the campaign's people).

    .venv/bin/python bench/universe_count.py [--people 1000000] [--runs 20]

Fills BENCH_DATABASE_URL when set (a database it may fill; it is seeded once and reused), else a
throwaway PostgreSQL cluster in a temporary directory.

Seeding: the shared West Philadelphia file (../shared/data/philadelphia) goes through the real
import once (division polygons, then the Pennsylvania voter file), then its people, households,
addresses and registrations are copied set-based until there are ``--people`` of them: each copy
has new ids, new voter keys, and its addresses moved up to 100 m from the originals (areas
recomputed by point in polygon), with the file's own party, birth year and vote-history mix.
The votes table is not copied (no benchmarked filter reads it: vote history is the people row's
vote_codes). Without the shared folder it falls back to synthetic people, and says so.

After seeding, the campaign's targeting sets are built (as the worker does after an import;
the time is printed). Prints the median and p95 of ``count_search`` (the engine's count: from
the sets when they can answer, else over people's rows) for every filter, beside the same
count over people's rows alone (``count_people``, the count before the sets), and each against
the goal; then the yardsticks: a bare count(*) of the campaign's people (an index-only scan),
of the whole table, the same count made to read the heap, and the empty filter; the ratio mixed
/ bare count(*) and the mixed filter's plan. Ages count from today's year.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import statistics
import time
from datetime import date

import flask_migrate
from benchlib import (
    SHARED,
    bench_database,
    import_divisions,
    import_voter_file,
    shared_files_present,
    vacuum_analyze,
)
from sqlalchemy import func, text

from app import create_app
from app.accounts.operations import create_organization
from app.audit.context import acting_as
from app.extensions import db
from app.universes.filters import FilterContext
from app.universes.models import HouseholdMode
from app.universes.queries import Search, count_people, count_search
from app.universes.schemas import UniverseFilterSchema
from app.universes.targeting import count_targeted
from app.universes.targeting_build import build_targeting, stale_campaigns
from app.voters.search_columns import assign_areas

GOAL_MS, GOAL_RATIO = 150.0, 1.5
CAMPAIGN = "count(*) of the campaign's people"
TABLE = "count(*) of the people table"
HEAP = "count(*) of the campaign, heap scan"
EMPTY = "empty filter, count(*) only"
PEOPLE_ONLY = "  the same as a count(*) only"
HEAP_SCAN = (
    "SET LOCAL enable_indexonlyscan = off",
    "SET LOCAL enable_indexscan = off",
    "SET LOCAL enable_bitmapscan = off",
)
SHARED_SLUG = "bench-universes-pa"
SYNTHETIC_SLUG = "bench-universes"
JITTER_METRES = 100
WARD = "46"  # a West Philadelphia ward of the shared file, its real boundary (102 vertices)
# Rough bounding box of the shared file's ten wards, and a box around three of them.
WEST_PHILLY = [
    [-75.28, 39.93],
    [-75.18, 39.93],
    [-75.18, 39.995],
    [-75.28, 39.995],
    [-75.28, 39.93],
]
DRAWN_BOX = [[-75.25, 39.94], [-75.21, 39.94], [-75.21, 39.965], [-75.25, 39.965], [-75.25, 39.94]]

# Synthetic fallback: Philadelphia's bounding box; the test polygon is a ward-sized block.
WEST, SOUTH, EAST, NORTH = -75.28, 39.87, -74.96, 40.14
SYNTHETIC_WARD = [
    [-75.20, 39.94],
    [-75.14, 39.94],
    [-75.14, 39.99],
    [-75.20, 39.99],
    [-75.20, 39.94],
]
HALF_CITY = [[WEST, SOUTH], [-75.12, SOUTH], [-75.12, NORTH], [WEST, NORTH], [WEST, SOUTH]]

# Copies of the imported people (and of their households, addresses and registrations).
# Ids are drawn up front, as the import does, so each copy knows its originals.
REPLICATE = """
CREATE TEMP TABLE bench_copies AS SELECT k FROM generate_series(1, :copies) k;

CREATE TEMP TABLE bench_people AS
SELECT p.id AS old_id, c.k, nextval(pg_get_serial_sequence('people', 'id')) AS new_id
FROM (SELECT id, row_number() OVER (ORDER BY md5(id::text)) - 1 AS rn
      FROM people WHERE organization_id = :org) p
JOIN bench_copies c ON c.k * :originals + p.rn < :target;

CREATE TEMP TABLE bench_households AS
SELECT d.household_id AS old_id, d.k,
       nextval(pg_get_serial_sequence('households', 'id')) AS new_id
FROM (SELECT DISTINCT p.household_id, b.k FROM bench_people b JOIN people p ON p.id = b.old_id
      WHERE p.household_id IS NOT NULL) d;

CREATE TEMP TABLE bench_addresses AS
SELECT d.address_id AS old_id, d.k, nextval(pg_get_serial_sequence('addresses', 'id')) AS new_id,
       :jitter * sqrt(random()) AS metres, 2 * pi() * random() AS bearing
FROM (SELECT DISTINCT h.address_id, b.k FROM bench_households b
      JOIN households h ON h.id = b.old_id) d;

INSERT INTO addresses (id, organization_id, house_number, house_number_suffix, street, city,
                       state, zip, point, geocode_source, geocode_quality)
SELECT b.new_id, a.organization_id, a.house_number, a.house_number_suffix || '#' || b.k,
       a.street, a.city, a.state, a.zip,
       ST_Translate(a.point, b.metres * sin(b.bearing) / (111320 * cos(radians(ST_Y(a.point)))),
                    b.metres * cos(b.bearing) / 111320),
       a.geocode_source, a.geocode_quality
FROM bench_addresses b JOIN addresses a ON a.id = b.old_id;

INSERT INTO households (id, organization_id, address_id, unit)
SELECT b.new_id, h.organization_id, ba.new_id, h.unit
FROM bench_households b
JOIN households h ON h.id = b.old_id
JOIN bench_addresses ba ON ba.old_id = h.address_id AND ba.k = b.k;
"""
# After the copied addresses have their areas.
REPLICATE_PEOPLE = """
INSERT INTO people (id, organization_id, source, title, first_name, middle_name, last_name,
                    suffix, gender, birth_date, birth_year, languages, tags, custom_fields,
                    household_id, is_deceased, has_moved, do_not_contact, party,
                    registration_status, confidential, location, area_ids, vote_codes)
SELECT b.new_id, p.organization_id, p.source, p.title, p.first_name, p.middle_name, p.last_name,
       p.suffix, p.gender, p.birth_date, p.birth_year, p.languages, p.tags, p.custom_fields,
       bh.new_id, p.is_deceased, p.has_moved, p.do_not_contact, p.party,
       p.registration_status, p.confidential, a.point, coalesce(a.area_ids, '{}'), p.vote_codes
FROM bench_people b
JOIN people p ON p.id = b.old_id
LEFT JOIN bench_households bh ON bh.old_id = p.household_id AND bh.k = b.k
LEFT JOIN households h ON h.id = bh.new_id
LEFT JOIN addresses a ON a.id = h.address_id
ORDER BY ST_GeoHash(a.point), bh.new_id, b.new_id;  -- the order the import writes people in

INSERT INTO registrations (organization_id, person_id, household_id, state, state_key, county,
                           status, party, registered_on, status_changed_on, last_voted_on,
                           precinct_code, precinct_split, districts, confidential, on_file,
                           first_import_job_id, last_import_job_id, source_hash)
SELECT r.organization_id, b.new_id, bh.new_id, r.state, r.state_key || '-' || b.k, r.county,
       r.status, r.party, r.registered_on, r.status_changed_on, r.last_voted_on,
       r.precinct_code, r.precinct_split, r.districts, r.confidential, r.on_file,
       r.first_import_job_id, r.last_import_job_id, r.source_hash
FROM bench_people b
JOIN registrations r ON r.person_id = b.old_id
LEFT JOIN bench_households bh ON bh.old_id = r.household_id AND bh.k = b.k
ORDER BY b.new_id;
"""

SYNTHETIC_SEED = """
INSERT INTO elections (organization_id, name, held_on, kind)
SELECT :org, 'General ' || g, make_date(2016 + g, 11, 5), 'general' FROM generate_series(0, 7) g;

INSERT INTO addresses (organization_id, house_number, street, zip, point)
SELECT :org, (g % 5000)::text, 'STREET ' || (g / 5000), '19104',
       ST_SetSRID(ST_MakePoint(:west + random() * (:east - :west),
                               :south + random() * (:north - :south)), 4326)
FROM generate_series(0, :households - 1) g;

INSERT INTO households (organization_id, address_id, unit)
SELECT :org, id, '' FROM addresses WHERE organization_id = :org;

WITH doors AS (
    SELECT h.id, a.point, row_number() OVER (ORDER BY h.id) - 1 AS k
    FROM households h JOIN addresses a ON a.id = h.address_id
    WHERE h.organization_id = :org
), elections AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM elections WHERE organization_id = :org
)
INSERT INTO people (organization_id, household_id, first_name, last_name, party, birth_year,
                    gender, registration_status, location, vote_codes, confidential,
                    is_deceased, source)
SELECT :org, d.id, 'First' || g, 'Last' || (g % 9973),
       (ARRAY['D','D','D','D','D','D','R','R','NF','NF','NF','L'])[1 + g % 12],
       1930 + (g * 7919) % 78,
       (ARRAY['F','M','U'])[1 + g % 3],
       CASE WHEN g % 20 = 0 THEN 'I' ELSE 'A' END,
       d.point,
       ARRAY(SELECT e * 8 + (g + e) % 3 FROM unnest(el.ids) e
             WHERE (hashint4((g * 31 + e)::int) & 1023) < 1024 * (g % 10) / 10),
       g % 200 = 0, g % 211 = 0, 'voter_file'
FROM generate_series(0::bigint, :people - 1) g
JOIN doors d ON d.k = g % :households
CROSS JOIN elections el;
"""


def run_script(script: str, params: dict) -> None:
    for statement in script.split(";\n"):
        if statement.strip():
            db.session.execute(text(statement), params)


def existing_organization(slug: str) -> int | None:
    return db.session.scalar(text("SELECT id FROM organizations WHERE slug = :s"), {"s": slug})


def people_count(org: int) -> int:
    return db.session.scalar(
        text("SELECT count(*) FROM people WHERE organization_id = :o"), {"o": org}
    )


def seed_from_shared(people: int) -> int:
    org = existing_organization(SHARED_SLUG)
    if org is not None:
        print(f"reusing the seeded campaign: {people_count(org):,} people")
        # A migration since the seeding may have rewritten the table (and its visibility map).
        vacuum_analyze("people", "households", "addresses", "registrations")
        return org
    started = time.perf_counter()
    org = create_organization("Bench universes (West Philadelphia)", SHARED_SLUG).id
    db.session.commit()
    import_divisions(org)
    job, seconds = import_voter_file(org)
    originals = job.rows_inserted
    print(f"imported the shared PA file: {originals:,} people in {seconds:.0f} s")
    copies = max(0, math.ceil(people / originals) - 1)
    if copies:
        step = time.perf_counter()
        params = {
            "org": org,
            "copies": copies,
            "originals": originals,
            "target": people,
            "jitter": JITTER_METRES,
        }
        run_script(REPLICATE, params)
        placed = assign_areas(org, "SELECT new_id FROM bench_addresses")
        run_script(REPLICATE_PEOPLE, params)
        db.session.commit()
        print(
            f"replicated it {copies} times (new ids and voter keys, points moved up to"
            f" {JITTER_METRES} m, {placed:,} copied addresses placed in areas)"
            f" in {time.perf_counter() - step:.0f} s"
        )
    vacuum_analyze("people", "households", "addresses", "registrations")
    print(f"seeded {people_count(org):,} people in {time.perf_counter() - started:.0f} s")
    return org


def seed_synthetic(people: int) -> int:
    org = existing_organization(SYNTHETIC_SLUG)
    if org is not None:
        print(f"reusing the seeded synthetic campaign: {people_count(org):,} people")
        vacuum_analyze("people", "households", "addresses")
        return org
    org = create_organization("Bench universes (synthetic)", SYNTHETIC_SLUG).id
    started = time.perf_counter()
    params = {
        "org": org,
        "people": people,
        "households": people * 10 // 22,
        "west": WEST,
        "east": EAST,
        "south": SOUTH,
        "north": NORTH,
    }
    run_script(SYNTHETIC_SEED, params)
    db.session.commit()
    vacuum_analyze("people", "households", "addresses")
    print(f"seeded {people:,} synthetic people in {time.perf_counter() - started:.0f} s")
    return org


def ward_boundary(number: str) -> dict:
    with gzip.open(SHARED / "wards.geojson.gz", "rt", encoding="utf-8") as handle:
        wards = json.load(handle)["features"]
    return next(f["geometry"] for f in wards if f["properties"]["WARD_NUM"] == number)


def summarise(timings: list[float]) -> tuple[float, float]:
    """Median and p95 (nearest rank) in milliseconds."""
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[math.ceil(0.95 * len(ordered)) - 1]


def time_count(org: int, spec: dict, runs: int, count=count_search) -> tuple[float, float, dict]:
    loaded = UniverseFilterSchema().load(spec)
    timings, counts = [], {}
    for _ in range(runs + 1):  # the first run warms the cache and is dropped
        started = time.perf_counter()
        counts = count(Search(org, loaded))
        timings.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    return *summarise(timings[1:]), counts


def time_scalar(stmt, params: dict, runs: int, setup: tuple[str, ...] = ()):
    """Median and p95 of one scalar query, and its value; ``setup`` runs first, untimed."""
    timings, value = [], 0
    for _ in range(runs + 1):
        for statement in setup:
            db.session.execute(text(statement))
        started = time.perf_counter()
        value = db.session.scalar(stmt, params)
        timings.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    return *summarise(timings[1:]), value


def people_count_of(org: int, spec: dict):
    """count(*) of the people on a filter's list, without count_search's distinct households."""
    search = Search(org, UniverseFilterSchema().load(spec))
    return search.population.where(search.match).with_only_columns(func.count())


def filters(org: int, from_shared: bool) -> tuple[str, dict[str, dict]]:
    """The headline mixed filter's name, and every filter timed."""
    elections = list(
        db.session.scalars(
            text("SELECT id FROM elections WHERE organization_id = :o ORDER BY held_on"),
            {"o": org},
        )
    )
    base = {
        "party": ["D", "NF"],
        "age": {"min": 18, "max": 35},
        "vote_history": {"elections": elections[-4:], "min": 1},
    }
    if from_shared:
        polygons = {
            f"ward {WARD} boundary": ward_boundary(WARD),
            "drawn box (3 wards)": {"type": "Polygon", "coordinates": [DRAWN_BOX]},
            "all ten wards (box)": {"type": "Polygon", "coordinates": [WEST_PHILLY]},
        }
    else:
        polygons = {
            "ward-sized box": {"type": "Polygon", "coordinates": [SYNTHETIC_WARD]},
            "half the city": {"type": "Polygon", "coordinates": [HALF_CITY]},
        }
    cases = {f"mixed ({name})": {**base, "polygon": poly} for name, poly in polygons.items()}
    cases["mixed, no polygon"] = base
    cases["party only"] = {"party": ["D"]}
    cases["voted 3+ of 4"] = {"vote_history": {"elections": elections[-4:], "min": 3}}
    cases["mixed, whole households"] = {**base, "household_mode": "whole_household"}
    return next(iter(cases)), cases


def answered_by(org: int, spec: dict) -> str:
    """Which way count_search counts ``spec`` now: the targeting sets or people's rows."""
    search = Search(org, UniverseFilterSchema().load(spec))
    fast = count_targeted(org, search.filter, search.household_mode, FilterContext(search.now))
    db.session.rollback()
    return "sets" if fast is not None else "rows"


def time_every_filter(org: int, cases: dict[str, dict], runs: int) -> dict[str, tuple]:
    """Each filter through count_search and through people's rows alone, against the goal;
    the (median, p95) of each through count_search."""
    print(f"\n{'filter':<30} {'by':>4} {'median':>9} {'p95':>9} {'goal':>8}"
          f" {'rows p95':>9}  counts")  # fmt: skip
    p95s = {}
    for name, spec in cases.items():
        mode = spec.get("household_mode", "person")
        spec = {key: value for key, value in spec.items() if key != "household_mode"}
        by = answered_by(org, spec)
        median, p95, counts = time_count(org, spec, runs, _in_mode(count_search, mode))
        _, rows_p95, rows = time_count(org, spec, runs, _in_mode(count_people, mode))
        assert counts == rows, (name, counts, rows)  # the sets answer what the rows answer
        p95s[name] = median, p95
        verdict = "met" if p95 < GOAL_MS else "NOT met"
        print(f"{name:<30} {by:>4} {median:7.1f}ms {p95:7.1f}ms {verdict:>8} {rows_p95:7.1f}ms"
              f"  {counts}")  # fmt: skip
    missed = [name for name, (_, p95) in p95s.items() if p95 >= GOAL_MS]
    print(
        f"every filter under {GOAL_MS:.0f} ms at p95: "
        + ("met" if not missed else f"NOT met ({', '.join(missed)})")
    )
    return p95s


def _in_mode(count, mode: str):
    def run(search: Search) -> dict:
        search.household_mode = HouseholdMode(mode)
        return count(search)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--rebuild", action="store_true", help="Rebuild the targeting sets even when current"
    )
    options = parser.parse_args()
    from_shared = shared_files_present()
    if not from_shared:
        print(f"NOTE: {SHARED} is missing: seeding SYNTHETIC people, not the shared PA file.")
    with bench_database("bench_universes") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context(), acting_as("bench:universes"):
            flask_migrate.upgrade()
            org = (
                seed_from_shared(options.people) if from_shared else seed_synthetic(options.people)
            )
            total = db.session.scalar(text("SELECT count(*) FROM people"))
            print(
                f"people: {people_count(org):,} in the campaign, {total:,} in the table"
                f" ({'shared PA file, replicated' if from_shared else 'synthetic'});"
                f" {options.runs} timed runs each after one warm-up"
            )
            if org in stale_campaigns() or options.rebuild:
                started = time.perf_counter()
                built = build_targeting(org)
                print(
                    f"targeting sets built in {time.perf_counter() - started:.1f} s"
                    f" ({built['people']:,} people, {built['layers']} layers)"
                )
            db.session.rollback()
            vacuum_analyze("targeting_sets", "targeting_cells", "targeting_places")
            headline, cases = filters(org, from_shared)
            timed = time_every_filter(org, cases, options.runs)
            cases = {k: v for k, v in cases.items() if "household_mode" not in v}
            year = date.today().year
            print(f"\n{'query':<38} {'median':>9} {'p95':>9}  counts (age counted from {year})")

            def show(name: str, median: float, p95: float, shown) -> None:
                print(f"{name:<38} {median:7.1f}ms {p95:7.1f}ms  {shown}")

            by_org = {"o": org}
            bare = {
                # The yardstick: an index-only scan when the pages are all-visible.
                CAMPAIGN: (text("SELECT count(*) FROM people WHERE organization_id = :o"), ()),
                TABLE: (text("SELECT count(*) FROM people"), ()),
                # The same count made to read every row, as any filter on people's columns must.
                HEAP: (text("SELECT count(*) FROM people WHERE organization_id = :o"), HEAP_SCAN),
            }
            times = {}
            for name, (stmt, setup) in bare.items():
                median, p95, value = time_scalar(stmt, by_org, options.runs, setup)
                times[name] = median
                show(name, median, p95, f"{value:,}")
            median, p95, value = time_scalar(people_count_of(org, {}), {}, options.runs)
            times[EMPTY] = median
            show(EMPTY, median, p95, f"{value:,}")
            times.update({name: median for name, (median, _) in timed.items()})
            headline_p95 = timed[headline][1]
            # count_search also counts distinct households: the people count alone.
            median, p95, value = time_scalar(
                people_count_of(org, cases[headline]), {}, options.runs
            )
            times[PEOPLE_ONLY] = median
            show(f"{headline}, people only", median, p95, f"{value:,}")

            median = times[headline]
            ratio = median / times[CAMPAIGN]
            print(
                f"\n{headline}: median {median:.1f} ms, p95 {headline_p95:.1f} ms"
                f" (goal < {GOAL_MS:.0f} ms: {'met' if median < GOAL_MS else 'NOT met'} at the"
                f" median, {'met' if headline_p95 < GOAL_MS else 'NOT met'} at p95)"
            )
            print(
                f"ratio to the bare count(*) of the campaign's people (medians): {ratio:.2f}x"
                f" (goal <= {GOAL_RATIO}x: {'met' if ratio <= GOAL_RATIO else 'NOT met'})"
            )
            for name in (TABLE, HEAP, EMPTY):
                print(f"  ratio to {name}: {median / times[name]:.2f}x")
            only = times[PEOPLE_ONLY] / times[CAMPAIGN]
            print(f"  {headline} as a count(*) only / bare count(*): {only:.2f}x")
            for name in cases:
                if name != headline and name.startswith("mixed"):
                    print(f"  {name} / bare count(*): {times[name] / times[CAMPAIGN]:.2f}x")

            search = Search(org, UniverseFilterSchema().load(cases[headline]))
            stmt = search.population.where(search.match).with_only_columns(text("count(*)"))
            compiled = stmt.compile(db.engine, compile_kwargs={"render_postcompile": True})
            plan = db.session.connection().exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), compiled.params
            )
            print(f"\nplan of {headline} (count(*) only):")
            print("\n".join(row[0] for row in plan))


if __name__ == "__main__":
    main()
