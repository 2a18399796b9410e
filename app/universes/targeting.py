"""How a universe is counted: set algebra over the targeting sets, when they can answer.

``count_targeted`` answers the keys held as sets (party, gender, registration status, birth
year and age, areas, tags, vote history without a ballot party, include_suppressed) and drawn
polygons (from the doors of the grid cells they cover and the points of the rest), in every
household mode, from the campaign's sets (app.universes.targeting_build). It returns None, and
the caller runs the filter's SQL over people, when the filter has any other key (precincts,
contacts, calls, survey answers, giving, email engagement, a ballot party, a polygon over
fewer grid cells than people's SQL reads by index or more than MAX_POLYGON_CELLS) or when
the sets are not exactly the people the transaction sees: not built yet, or a change to
people is visible that the last build did not see. The answer is the same as the SQL's
(tests/universes/test_targeting.py compares them over a grid of filters).

The filter becomes a chain of steps, each one bit-string expression over earlier steps
(LATERAL subqueries, fenced so that no expression is copied into the next); people are the
bits set, doors those of ``targeting_doors``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import shape
from sqlalchemy import text

from app.extensions import db
from app.people.grid import MAX_COVER_CELLS, cover
from app.universes.filters import VOTE_CODE_SLOTS, FilterContext, vote_count_bounds
from app.universes.models import HouseholdMode
from app.voters.models import VOTE_METHOD_CODES

#: The filter keys the sets answer; a filter with any other key is counted over people.
SET_KEYS = frozenset(
    {"party", "gender", "registration_status", "birth_year", "age", "areas", "tags",
     "vote_history", "include_suppressed", "polygon"}
)  # fmt: skip
#: A polygon over more grid cells than this (about 500 km2) is counted over people.
MAX_POLYGON_CELLS = 50_000
#: Nor is one of fewer cells: people's SQL reads those cells' people by index and tests only
#: the edge's, faster than any set of a whole campaign; past this it tests every point.
MIN_POLYGON_CELLS = MAX_COVER_CELLS
#: Past this many steps (vote history over many elections, methods and a high minimum) the
#: statement costs more to plan than people's SQL costs to run.
MAX_STEPS = 400


def can_answer(filter: Mapping[str, Any]) -> bool:
    """Whether the sets can count ``filter`` (its keys, not the sets' freshness)."""
    if not set(filter) <= SET_KEYS:
        return False
    return not filter.get("vote_history", {}).get("ballot_party")


@dataclass
class _Plan:
    """The steps of one count, with their bind parameters."""

    params: dict[str, Any] = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)

    def step(self, sql: str) -> str:
        """Add a step; its value as SQL for later steps."""
        self.steps.append(sql)
        return f"s{len(self.steps)}.v"

    def keys(self, keys: list[str]) -> str:
        """The people who have any of ``keys`` (nobody when none has a set)."""
        name = f"k{len(self.params)}"
        self.params[name] = sorted(set(keys))
        # Only the parameter's name is formatted in; the keys themselves are bound.
        return self.step(
            "SELECT coalesce(bit_or(t.bits), nobody.v) FROM targeting_sets t"  # noqa: S608
            f" WHERE t.organization_id = :org AND t.key = ANY(:{name})"
        )

    def both(self, a: str, b: str) -> str:
        return self.step(f"SELECT {a} & {b}")

    def either(self, a: str, b: str) -> str:
        return self.step(f"SELECT {a} | {b}")

    def minus(self, a: str, b: str) -> str:
        return self.step(f"SELECT {a} & ~{b}")

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"


# The doors numbered in the polygon's inner cells (runs of door numbers, as text), then
# their people (targeting_spread). Cell lists are read through a subquery: as constants the
# planner would estimate each one.
INNER_CELLS = """
SELECT targeting_spread(substring(
           CAST(coalesce(string_agg(repeat('0', r.first_door - r.previous)
                                    || repeat('1', r.doors), '' ORDER BY r.first_door), '')
                || repeat('0', b.layer_sizes[1]) AS varbit)
           FROM 1 FOR b.layer_sizes[1]), b.layer_sizes)
FROM (
    SELECT c.first_door, c.doors,
           coalesce(lag(c.first_door + c.doors) OVER (ORDER BY c.first_door), 0) AS previous
    FROM unnest(CAST({low} AS bigint[]), CAST({high} AS bigint[])) AS run(low, high)
    JOIN targeting_cells c ON c.organization_id = :org AND c.cell BETWEEN run.low AND run.high
) r"""
# People tested on their own point (in the cells on the polygon's edge, and only those the
# other keys kept: the point test is the dear part), and strays in its inner cells: bytes, as
# hex.
EDGE_PEOPLE = """
SELECT substring(CAST('x' || coalesce(string_agg(repeat('00', f.byte - f.previous - 1)
                                                 || lpad(to_hex(f.value), 2, '0'), ''
                                                 ORDER BY f.byte), '')
                      || repeat('00', (b.people + 7) / 8) AS varbit) FROM 1 FOR b.people)
FROM (
    SELECT byte, value, coalesce(lag(byte) OVER (ORDER BY byte), -1) AS previous
    FROM (
        SELECT e.position / 8 AS byte, bit_or(128 >> (e.position % 8)) AS value
        FROM (
            SELECT t.position FROM targeting_places t
            WHERE t.organization_id = :org
              AND t.cell = ANY(CAST((SELECT CAST({edge} AS bigint[])) AS bigint[]))
              AND get_bit({matched}, t.position) = 1
              AND ST_Intersects(t.location, ST_GeomFromWKB(decode({wkb}, 'hex'), 4326))
            UNION ALL
            SELECT t.position
            FROM unnest(CAST({low} AS bigint[]), CAST({high} AS bigint[])) AS run(low, high)
            JOIN targeting_places t ON t.organization_id = :org AND t.stray
                                   AND t.cell BETWEEN run.low AND run.high
        ) e
        GROUP BY 1
    ) bytes
) f"""


def _runs(cells: list[int]) -> tuple[list[int], list[int]]:
    """Sorted cells as runs of consecutive numbers (a row of the grid is one run)."""
    low: list[int] = []
    high: list[int] = []
    for cell in sorted(cells):
        if high and cell == high[-1] + 1:
            high[-1] = cell
        else:
            low.append(cell)
            high.append(cell)
    return low, high


def _polygon(plan: _Plan, geometry: Mapping[str, Any], matched: str) -> str | None:
    """Who lives in the polygon, as app.universes.filters' cell test finds them: the people
    of doors in cells it covers whole (but strays), and the rest of the cells it touches
    tested point by point. None when it covers too many cells, or too few."""
    polygon = shape(geometry)
    cells = cover(polygon, max_cells=MAX_POLYGON_CELLS)
    if cells is None or len(cells.touched) <= MIN_POLYGON_CELLS:
        return None
    low, high = (plan.bind(bounds) for bounds in _runs(cells.inside))
    edge = plan.bind(sorted(set(cells.touched) - set(cells.inside)))
    inner = plan.step(INNER_CELLS.format(low=low, high=high))
    edge = plan.step(
        EDGE_PEOPLE.format(
            low=low, high=high, edge=edge, wkb=plan.bind(polygon.wkb_hex), matched=matched
        )
    )
    return plan.either(plan.minus(inner, plan.keys(["stray"])), edge)


def _years(bounds: Mapping[str, int], known: list[int]) -> list[str]:
    low, high = bounds.get("min", -(2**15)), bounds.get("max", 2**15)
    return [f"birth_year:{year}" for year in known if low <= year <= high]


def _age_years(bounds: Mapping[str, int], ctx: FilterContext) -> dict[str, int]:
    """The birth years of an age range, as app.universes.filters counts age."""
    year, years = ctx.today.year, {}
    if "max" in bounds:
        years["min"] = year - bounds["max"]
    if "min" in bounds:
        years["max"] = year - bounds["min"]
    return years


def _vote_codes(spec: Mapping[str, Any]) -> list[int]:
    methods = spec.get("methods") or list(VOTE_METHOD_CODES)
    return sorted(
        {e * VOTE_CODE_SLOTS + VOTE_METHOD_CODES[m] for e in spec["elections"] for m in methods}
    )


def _vote_history(plan: _Plan, spec: Mapping[str, Any], matched: str, known) -> str:
    """People with between min and max of the codes (as the SQL counts them: distinct
    codes, so two methods in one election count twice), by a running count: ``at_least[j]``
    is who has j or more of the codes seen so far. Where nobody has two codes in one of the
    elections (no "multi:" set), an election's codes are counted as one."""
    low, high = vote_count_bounds(spec)
    needed = high + 1 if high is not None else low
    codes = [code for code in _vote_codes(spec) if code in known["codes"]]
    if any(code // VOTE_CODE_SLOTS in known["multi"] for code in codes):
        counted = [[code] for code in codes]
    else:
        by_election: dict[int, list[int]] = {}
        for code in codes:
            by_election.setdefault(code // VOTE_CODE_SLOTS, []).append(code)
        counted = list(by_election.values())
    at_least: list[str | None] = [None] * (needed + 1)  # None: nobody; [0] is everybody
    for seen, group in enumerate(counted, start=1):
        has = plan.keys([f"vote:{code}" for code in group])
        for j in range(min(needed, seen), 0, -1):
            if j == 1:
                gained = has
            elif at_least[j - 1] is None:
                continue
            else:
                gained = plan.both(at_least[j - 1], has)
            at_least[j] = gained if at_least[j] is None else plan.either(at_least[j], gained)
    if low >= 1:
        matched = plan.both(matched, at_least[low]) if at_least[low] else "nobody.v"
    if high is not None and at_least[high + 1] is not None:
        matched = plan.minus(matched, at_least[high + 1])
    return matched


def _plan(organization_id: int, filter: Mapping[str, Any], ctx: FilterContext, known):
    plan = _Plan()
    population = plan.keys(["listable"])
    if not filter.get("include_suppressed"):
        population = plan.both(population, plan.keys(["reachable"]))
    plan.params["population_step"] = population
    matched = population
    for key in ("party", "gender", "registration_status"):
        if key in filter:
            matched = plan.both(matched, plan.keys([f"{key}:{code}" for code in filter[key]]))
    for bounds in (filter.get("birth_year"), filter.get("age") and _age_years(filter["age"], ctx)):
        if bounds is not None:
            matched = plan.both(matched, plan.keys(_years(bounds, known["years"])))
    if "areas" in filter:
        matched = plan.both(matched, plan.keys([f"area:{area}" for area in filter["areas"]]))
    tags = filter.get("tags") or {}
    if tags.get("any"):
        matched = plan.both(matched, plan.keys([f"tag:{tag}" for tag in tags["any"]]))
    for tag in tags.get("all") or ():
        matched = plan.both(matched, plan.keys([f"tag:{tag}"]))
    if tags.get("none"):
        matched = plan.minus(matched, plan.keys([f"tag:{tag}" for tag in tags["none"]]))
    if "vote_history" in filter:
        matched = _vote_history(plan, filter["vote_history"], matched, known)
    if "polygon" in filter:
        inside = _polygon(plan, filter["polygon"], matched)
        if inside is None:
            return None
        matched = plan.both(matched, inside)
    plan.params["matched_step"] = matched
    return plan


def _known_keys(organization_id: int, filter: Mapping[str, Any]):
    """The build's version, and the birth years and vote codes that have sets in it."""
    codes = _vote_codes(filter["vote_history"]) if "vote_history" in filter else []
    keys = [f"vote:{code}" for code in codes]
    keys += [f"multi:{election}" for election in {code // VOTE_CODE_SLOTS for code in codes}]
    rows = db.session.execute(
        text(
            "SELECT b.built_at, b.people, array(SELECT t.key FROM targeting_sets t"
            "   WHERE t.organization_id = b.organization_id"
            "     AND (t.key LIKE 'birth_year:%' OR t.key = ANY(:keys)))"
            " FROM targeting_builds b WHERE b.organization_id = :org"
        ),
        {"org": organization_id, "keys": keys},
    ).first()
    if rows is None:
        return None, None
    built_at, people, keys = rows
    if not people:  # nothing to count: people's SQL costs nothing either
        return None, None
    return built_at, {
        "years": sorted(int(k.split(":", 1)[1]) for k in keys if k.startswith("birth_year:")),
        "codes": {int(k.split(":", 1)[1]) for k in keys if k.startswith("vote:")},
        "multi": {int(k.split(":", 1)[1]) for k in keys if k.startswith("multi:")},
    }


COUNT = """
SELECT bit_count(matched) AS targets,
       bit_count(doors.v & ~substring(no_household.v FROM 1 FOR b.layer_sizes[1])) AS households,
       bit_count(doors.v) AS doors,
       {whole} AS whole
FROM targeting_builds b
CROSS JOIN LATERAL (SELECT t.bits # t.bits FROM targeting_sets t
                    WHERE t.organization_id = :org AND t.key = 'all' OFFSET 0) AS nobody(v)
CROSS JOIN LATERAL (SELECT coalesce(bit_or(t.bits), nobody.v) FROM targeting_sets t
                    WHERE t.organization_id = :org AND t.key = 'no_household') AS no_household(v)
{laterals}
CROSS JOIN LATERAL (SELECT {matched} AS matched, {population} AS population OFFSET 0) AS f
CROSS JOIN LATERAL (SELECT targeting_doors(f.matched, b.layer_sizes) OFFSET 0) AS doors(v)
WHERE b.organization_id = :org AND b.built_at = :built_at
  AND NOT EXISTS (SELECT FROM targeting_changes c WHERE c.organization_id = :org)
"""
WHOLE = "targeting_residents(population, doors.v, b.layer_sizes)"


def count_targeted(
    organization_id: int,
    filter: Mapping[str, Any],
    household_mode: HouseholdMode,
    ctx: FilterContext,
) -> dict[str, int] | None:
    """count_search's answer from the sets, or None when they cannot give it exactly."""
    if not can_answer(filter):
        return None
    built_at, known = _known_keys(organization_id, filter)
    if built_at is None:
        return None
    plan = _plan(organization_id, filter, ctx, known)
    if plan is None or len(plan.steps) > MAX_STEPS:
        return None
    laterals = "\n".join(
        f"CROSS JOIN LATERAL ({sql} OFFSET 0) AS s{n}(v)" for n, sql in enumerate(plan.steps, 1)
    )
    whole = WHOLE if household_mode == HouseholdMode.WHOLE_HOUSEHOLD else "0"
    matched = plan.params.pop("matched_step")
    population = plan.params.pop("population_step")
    statement = COUNT.format(matched=matched, population=population, laterals=laterals, whole=whole)
    # Worker processes cost more to start than these few reads save.
    db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    row = db.session.execute(
        text(statement), {**plan.params, "org": organization_id, "built_at": built_at}
    ).first()
    db.session.execute(text("RESET max_parallel_workers_per_gather"))
    if row is None:  # changed since the build (or rebuilt since _known_keys): people's SQL
        return None
    if household_mode == HouseholdMode.ONE_PER_HOUSEHOLD:
        people = row.doors
    elif household_mode == HouseholdMode.WHOLE_HOUSEHOLD:
        people = row.whole
    else:
        people = row.targets
    return {"people": people, "households": row.households, "targets": row.targets}
