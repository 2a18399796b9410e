"""The demo's weeks of online giving: an ActBlue contributions CSV made by the seeded
generator (more gifts the days after the weekly email and at weekends, some recurring) and
imported as a campaign imports ActBlue's file, through the donations import job (its own
transaction: the caller commits before and after, as for the voter file) (set-based:
the donors matched to the voter file, the limits checked, the histories written). It adds to
``app.demo``'s gifts (the desk, the flags, the review queue), never repeats them; made once."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, text

from app.core.actor import Actor
from app.donations.actblue import CSV_COLUMNS, CSV_ZONE
from app.donations.committee import add_election, list_elections
from app.donations.models import Donation
from app.extensions import db
from app.imports.jobs import create_job, run_job
from app.imports.models import ImportJob, ImportKind, JobStatus
from app.imports.uploads import upload_dir

DEMO_GIFTS_FILE = "demo-actblue-weeks.csv"
#: Dollars an online donor gives, and how often.
AMOUNTS = ((5, 8), (10, 14), (20, 8), (25, 14), (27, 6), (50, 10), (100, 8), (250, 3), (500, 1))
#: Where an online gift came from (the page's reference code).
SOURCES = (("email", 50), ("door-hanger", 15), ("text", 15), ("", 20))
WORK = (("Self-employed", "Designer"), ("School District of Philadelphia", "Teacher"),
        ("Children's Hospital", "Nurse"), ("Retired", "Retired"), ("SEPTA", "Mechanic"),
        ("Not employed", "Not employed"), ("Drexel University", "Researcher"))  # fmt: skip


@dataclass
class DemoGifts:
    gifts: int
    donors: int
    cents: int


def load_demo_gifts(organization_id: int, seed: int, today: date) -> DemoGifts:
    """Five weeks of ActBlue gifts up to yesterday, imported once (a second run finds the
    job done and adds nothing)."""
    if _done(organization_id) or not list_elections(organization_id):
        return gifts_figures(organization_id)
    rng = random.Random(f"{seed}:gifts")  # noqa: S311 - the same demo every time
    donors = _donors(organization_id)
    if len(donors) < 20:
        return gifts_figures(organization_id)
    _election_ahead(organization_id, today)
    path = upload_dir() / f"{organization_id}-{DEMO_GIFTS_FILE}"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS.values())
        for row in _rows(rng, donors, today):
            writer.writerow(row.get(name, "") for name in CSV_COLUMNS)
    job = create_job(organization_id, ImportKind.DONATIONS, path, filename=DEMO_GIFTS_FILE,
                     layout="actblue")  # fmt: skip
    run_job(job)  # the upload is removed once the caller commits
    return gifts_figures(organization_id)


def _done(organization_id: int) -> bool:
    done = select(ImportJob.id).filter_by(
        organization_id=organization_id, filename=DEMO_GIFTS_FILE, status=JobStatus.SUCCEEDED
    )
    return bool(db.session.scalar(done))


def _donors(organization_id: int) -> list[tuple]:
    """Voters who have not given yet, each the only one of their name at their house number
    and ZIP (so the import matches them for certain, as ActBlue's file would), by id."""
    return db.session.execute(text("""
        WITH placed AS (
            SELECT p.id, p.first_name, p.last_name, a.house_number, a.street, a.city,
                   a.state, a.zip,
                   count(*) OVER (PARTITION BY lower(p.first_name), lower(p.last_name),
                                  a.house_number, a.zip) AS same
            FROM people p JOIN households h ON h.id = p.household_id
            JOIN addresses a ON a.id = h.address_id
            WHERE p.organization_id = :org AND p.first_name IS NOT NULL
              AND p.last_name IS NOT NULL AND NOT p.confidential AND NOT p.is_deceased
              AND p.merged_into_id IS NULL AND a.house_number IS NOT NULL AND a.zip IS NOT NULL
        )
        SELECT id, first_name, last_name, house_number, street, city, state, zip FROM placed
        WHERE same = 1 AND NOT EXISTS (SELECT FROM donations d WHERE d.person_id = placed.id)
        ORDER BY id LIMIT 80"""), {"org": organization_id}).all()  # fmt: skip


def _election_ahead(organization_id: int, today: date) -> None:
    """An undesignated gift goes to the next election: make sure the campaign has one."""
    if any(e.held_on >= today for e in list_elections(organization_id)):
        return
    year = today.year + today.year % 2  # federal generals fall in even years
    november = date(year, 11, 2)  # the Tuesday after the first Monday of November
    held_on = november + timedelta(days=(1 - november.weekday()) % 7)
    if held_on < today:
        year += 2
        november = date(year, 11, 2)
        held_on = november + timedelta(days=(1 - november.weekday()) % 7)
    add_election(Actor.system(organization_id, "cli:demo"), {"kind": "G", "held_on": held_on})


def _rows(rng: random.Random, donors: list[tuple], today: date) -> list[dict]:
    rows, line = [], 0
    regulars = donors[:6]  # monthly givers: on the same day each month
    for day_number in range(35, 0, -1):
        day = today - timedelta(days=day_number)
        count = rng.randint(0, 2) + (4 if day.weekday() in (1, 2) else 0)
        count += 2 if day.weekday() >= 5 else 0
        givers = [rng.choice(donors[6:]) for _ in range(count)]
        givers += [d for n, d in enumerate(regulars) if day.day == 3 + 4 * n]
        for donor in givers:
            line += 1
            rows.append(_row(rng, donor, day, line, donor in regulars))
    return rows


def _row(rng: random.Random, donor: tuple, day: date, line: int, monthly: bool) -> dict:
    person_id, first, last, number, street, city, state, zip_code = donor
    at = datetime.combine(day, time(rng.randint(7, 22), rng.randint(0, 59)), tzinfo=CSV_ZONE)
    dollars = 15 if monthly else rng.choices([a for a, _ in AMOUNTS], [w for _, w in AMOUNTS])[0]
    source = rng.choices([s for s, _ in SOURCES], [w for _, w in SOURCES])[0]
    employer, occupation = WORK[person_id % len(WORK)]
    return {
        "line_id": f"DEMO-L{line:05d}",
        "receipt_id": f"DEMO-R{person_id}" if monthly else f"DEMO-R{line:05d}",
        "amount": f"{dollars}.00",
        "date": at.strftime("%Y-%m-%d %H:%M:%S"),
        "first_name": first, "last_name": last, "street_1": f"{number} {street}",
        "city": city, "state": state, "zip": zip_code, "country": "United States",
        "employer": employer, "occupation": occupation,
        "page": "demo-canvass" if source == "door-hanger" else "demo-main",
        "reference_code": f"{source}-{day:%m%d}" if source else "",
        "recurring_total_months": "12" if monthly else "",
        "recurrence_number": str(1 + (day.month % 3)) if monthly else "",
    }  # fmt: skip


def gifts_figures(organization_id: int) -> DemoGifts:
    gifts, donors, cents = db.session.execute(
        select(func.count(), func.count(func.distinct(Donation.person_id)),
               func.coalesce(func.sum(Donation.amount_cents), 0))
        .where(Donation.organization_id == organization_id, Donation.voided_at.is_(None),
               Donation.processor_line_id.like("DEMO-L%"))
    ).one()  # fmt: skip
    return DemoGifts(gifts, donors, int(cents))
