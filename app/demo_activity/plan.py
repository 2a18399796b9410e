"""The demo's door work as a seeded plan, before anything is written: who walks which list on
which day, and what each door said. Pure Python over plain values (the stops of each list), so
the same seed always gives the same knocks.

Contact rates follow what canvassers see: weekday mornings few people are home, evenings and
weekend afternoons many more; each precinct has its own lean (some blocks answer the door
more, some lean our way more)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: Contact rate by (weekend?, hour of the day): the share of doors where somebody talks.
HOURLY_CONTACT = {
    False: {10: 0.10, 11: 0.12, 12: 0.15, 13: 0.16, 14: 0.18, 15: 0.20, 16: 0.24,
            17: 0.30, 18: 0.36, 19: 0.38, 20: 0.30},
    True: {10: 0.22, 11: 0.26, 12: 0.30, 13: 0.33, 14: 0.34, 15: 0.33, 16: 0.31,
           17: 0.30, 18: 0.30, 19: 0.28, 20: 0.24},
}  # fmt: skip
#: The shifts canvassers walk: (weekday 0=Monday, start hour, hours).
SHIFTS = ((1, 17, 3), (2, 10, 2), (3, 17, 3), (5, 10, 3), (5, 14, 3), (6, 13, 3))
#: A door that did not answer is tried again, at most this many visits in all.
MAX_VISITS = 2
#: What doors say when nobody talks (result, weight) ...
NO_CONTACT = (("not_home", 84), ("come_back_later", 6), ("inaccessible", 5),
              ("moved", 3), ("language_barrier", 2))  # fmt: skip
#: ... and when somebody does (canvassed carries the answers).
CONTACT = (("canvassed", 84), ("refused", 14), ("hostile", 2))
TRY_AGAIN = ("not_home", "come_back_later", "inaccessible")
ISSUES = ("economy", "health", "schools", "safety", "housing")


@dataclass(frozen=True)
class Stop:
    """A home on a list, as the plan needs it."""

    household_id: int
    precinct: str
    lon: float | None
    lat: float | None
    targets: tuple[int, ...]


@dataclass
class ListPlan:
    """A walk list and the canvasser who walks it, from the day it is handed out."""

    walk_list_id: int
    user_id: int
    starts_on: date
    stops: list[Stop]
    visits: dict[int, int] = field(default_factory=dict)  # household -> visits so far
    done: set[int] = field(default_factory=set)  # households no more visits are planned for

    def next_stops(self, count: int) -> list[Stop]:
        """The next stops to visit, in walking order, first visits before return visits."""
        waiting = [s for s in self.stops if s.household_id not in self.done]
        waiting.sort(key=lambda s: self.visits.get(s.household_id, 0))
        return waiting[:count]


@dataclass(frozen=True)
class Knock:
    """One visit as a phone would send it (``record``), with who sent it."""

    user_id: int
    day: date
    record: dict


def precinct_leans(precincts: list[str], rng: random.Random) -> dict[str, tuple[float, float]]:
    """Per precinct: how much more (or less) often the door opens, and the support lean."""
    return {code: (rng.uniform(0.75, 1.3), rng.uniform(-0.8, 0.8)) for code in sorted(precincts)}


def shift_days(first: date, last: date, user_index: int) -> Iterator[tuple[date, int, int]]:
    """The canvasser's shifts between two days: (day, start hour, hours). Each canvasser
    walks three of the campaign's shifts a week, not all the same three."""
    mine = [s for n, s in enumerate(SHIFTS) if (n + user_index) % 2 == 0 or n == 3]
    day = first
    while day <= last:
        for weekday, start, hours in mine:
            if day.weekday() == weekday:
                yield day, start, hours
        day += timedelta(days=1)


def walk(plan: ListPlan, day: date, start: int, hours: int, zone: ZoneInfo,
         rng: random.Random, leans: dict[str, tuple[float, float]],
         namespace: str) -> list[Knock]:  # fmt: skip
    """One shift on one list: doors every one to four minutes (a building's homes quicker),
    each with the result the hour and the precinct make likely."""
    at = datetime.combine(day, time(start), tzinfo=zone) + timedelta(minutes=rng.randint(0, 20))
    end = datetime.combine(day, time(start + hours), tzinfo=zone)
    knocks: list[Knock] = []
    last_point = None
    for stop in plan.next_stops(hours * 30):
        if at >= end:
            break
        visit = plan.visits.get(stop.household_id, 0) + 1
        plan.visits[stop.household_id] = visit
        record, again = _door(stop, at, rng, leans, f"{namespace}:{stop.household_id}:{visit}")
        if not again or visit >= MAX_VISITS:
            plan.done.add(stop.household_id)
        knocks.append(Knock(plan.user_id, day, record))
        same_building = (stop.lon, stop.lat) == last_point
        last_point = (stop.lon, stop.lat)
        at += timedelta(seconds=rng.randint(40, 90) if same_building else rng.randint(60, 240))
    return knocks


def _door(stop: Stop, at: datetime, rng: random.Random, leans, key: str) -> tuple[dict, bool]:
    """The phone's record of one door, and whether it is worth another visit."""
    answers_more, support_lean = leans.get(stop.precinct, (1.0, 0.0))
    rate = HOURLY_CONTACT[at.weekday() >= 5].get(at.hour, 0.2) * answers_more
    record = {
        "uuid": key,  # made a UUID by the caller (it knows the campaign)
        "household_id": stop.household_id,
        "client_at": at.isoformat(),
        "notes": "",
    }
    if stop.lon is not None:
        record["gps"] = {
            "lon": round(stop.lon + rng.uniform(-0.00012, 0.00012), 6),
            "lat": round(stop.lat + rng.uniform(-0.00009, 0.00009), 6),
            "accuracy": float(rng.randint(4, 35)),
        }
    if not stop.targets or rng.random() >= rate:
        result = _pick(NO_CONTACT, rng)
        return {**record, "result": result}, result in TRY_AGAIN
    result = _pick(CONTACT, rng)
    person = {"person_id": stop.targets[rng.randrange(len(stop.targets))], "result": result}
    if result == "canvassed":
        person["answers"] = _answers(rng, support_lean)
    return {**record, "people": [person]}, False


def _answers(rng: random.Random, lean: float) -> dict:
    """Support 1-5 leaning by precinct, the top issue, and for supporters, will they help."""
    support = min(5, max(1, round(rng.gauss(2.6 + lean, 1.2))))
    answers = {"support": str(support), "top_issue": ISSUES[rng.randrange(len(ISSUES))]}
    if support <= 2:
        answers["volunteer"] = "yes" if rng.random() < 0.18 else "no"
    return answers


def _pick(weighted, rng: random.Random) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]
