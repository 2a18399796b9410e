"""Time the limit check of a new donation with 1,000,000 donations stored (goal: under 5 ms).

    .venv/bin/python bench/donation_limit_check.py [--donations 1000000] [--checks 500]

Fills BENCH_DATABASE_URL when set (an empty database it may fill), else a throwaway cluster.
Seeds set-based: 200,000 donors with five gifts each (to the 2026 primary and general,
2025-2026), and their running totals (donor_totals) counted from the ledger in one statement.
Then, for ``--checks`` donors picked at random, times what a new gift's limit check does
(``app.donations.totals``): ``standing_of`` (where the donor stands for the election and the
cycle) and ``add_to_total`` (the upsert that moves and locks the running total), each in its
own savepoint rolled back; and, for reference, the whole ``record_donation`` of a gift to a
known person (rules, flags, donor details, history). Prints the median and p95 in ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date

from moneylib import add_gifts, add_people, analyze, count_totals, make_campaign, money_database
from sqlalchemy import func, select

from app.donations.models import CandidateElection, Donation, Method
from app.donations.operations import record_donation
from app.donations.totals import add_to_total, standing_of
from app.extensions import db
from app.people.models import Person

GOAL_MS = 5.0
PER_PERSON = 5


def seed(donations: int) -> tuple:
    started = time.perf_counter()
    actor, elections = make_campaign("bench-limits")
    org = actor.organization_id
    people = donations // PER_PERSON
    add_people(org, people, "Donor")
    first = PER_PERSON // 2 + 1
    add_gifts(org, "Donor", election_id=elections["P"], cents=5_000, first_day=date(2025, 1, 1),
              days=500, per_person=first)  # fmt: skip
    add_gifts(org, "Donor", election_id=elections["G"], cents=7_500, first_day=date(2026, 6, 1),
              days=150, per_person=PER_PERSON - first)  # fmt: skip
    count_totals(org)
    analyze()
    stored = db.session.scalar(select(func.count()).select_from(Donation))
    print(
        f"seeded {stored:,} donations of {people:,} donors in {time.perf_counter() - started:.1f} s"
    )
    return actor, elections


def timed(samples: list[float], work) -> None:
    savepoint = db.session.begin_nested()
    started = time.perf_counter()
    work()
    samples.append((time.perf_counter() - started) * 1000)
    savepoint.rollback()


def figures(name: str, samples: list[float], goal: float | None = None) -> None:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    median = statistics.median(ordered)
    # Judged on the median: the p95 of random donors on a shared two-core machine is noise.
    verdict = "" if goal is None else (" OK" if median < goal else " OVER")
    print(f"  {name:<32} median {median:6.2f} ms  p95 {p95:6.2f} ms{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--donations", type=int, default=1_000_000)
    parser.add_argument("--checks", type=int, default=500)
    args = parser.parse_args()
    with money_database("bench_limits"):
        actor, elections = seed(args.donations)
        org = actor.organization_id
        primary = db.session.get(CandidateElection, elections["P"])
        ids = db.session.scalars(select(Person.id).where(Person.organization_id == org)).all()
        chosen = random.Random(16).sample(list(ids), min(args.checks, len(ids)))
        standing, adding, both, recording = [], [], [], []
        for person_id in chosen:
            timed(standing, lambda p=person_id: standing_of(p, primary))
            timed(adding, lambda p=person_id: add_to_total(org, p, primary, 1_000))

            def check(p=person_id) -> None:
                add_to_total(org, p, primary, 1_000)
                standing_of(p, primary)

            timed(both, check)
        gift = {"election_id": primary.id, "received_on": date(2026, 3, 1), "method": Method.CHECK,
                "first_name": "Bench", "last_name": "Donor", "employer": "Acme",
                "occupation": "Engineer", "amount_cents": 2_500}  # fmt: skip
        for person_id in chosen[:100]:
            person = db.session.get(Person, person_id)
            timed(recording, lambda p=person: record_donation(actor, gift, person=p))
        print(f"limit check over {len(chosen)} donors (goal: under {GOAL_MS:.0f} ms):")
        figures("standing_of", standing)
        figures("add_to_total", adding)
        figures("add_to_total + standing_of", both, GOAL_MS)
        figures("record_donation (reference)", recording)
        db.session.rollback()


if __name__ == "__main__":
    main()
