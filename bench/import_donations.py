"""Time the import of ActBlue's contributions CSV against the voter import, per row (goal: 0.5).

    .venv/bin/python bench/import_donations.py [--rows 500000] [--no-voters]

Uses BENCH_DATABASE_URL when set (a database it may fill: each run makes a new organisation),
else a throwaway PostgreSQL cluster. Needs ../shared/data/philadelphia for the voter import.

In one run:
- the voter import of the shared West Philadelphia file, as bench/import_voters.py runs it
  (its divisions first): the per-row throughput to compare with;
- a synthetic ActBlue file (``--rows`` line items, ActBlue's published header) written to a
  temporary folder: a third as many donors as rows, a fifth of them voters of the file (the same
  name, house number and ZIP), others new; an email for each, a phone for half; 20% recurring;
  1% refunded; a few large gifts over the limit; undesignated, "primary" and "2026 General";
- its import end to end as the CLI runs it (stage, match donors, people, donations, flags,
  donors, history, refunds, totals, commit), then the same file again, which must change
  nothing.
Prints rows/s of each and the ratio (donation rows/s / voter rows/s).
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import flask_migrate
from benchlib import bench_database, import_divisions, import_voter_file, run_import
from sqlalchemy import text

from app import create_app
from app.accounts.operations import create_organization
from app.audit.context import acting_as
from app.core.actor import Actor
from app.donations.committee import add_election, update_committee_settings
from app.extensions import db
from app.imports.models import ImportKind

GOAL = 0.5
HEADER = (
    "Receipt ID", "Date", "Amount", "Recurring Total Months", "Recurrence Number", "Recipient",
    "Fundraising Page", "Fundraising Partner", "Reference Code 2", "Reference Code",
    "Donor First Name", "Donor Last Name", "Donor Addr1", "Donor Addr2", "Donor City",
    "Donor State", "Donor ZIP", "Donor Country", "Donor Occupation", "Donor Employer",
    "Donor Email", "Donor Phone", "New Express Signup", "Comments", "Check Number",
    "Check Date", "Employer Addr1", "Employer Addr2", "Employer City", "Employer State",
    "Employer ZIP", "Employer Country", "Donor ID", "Fundraiser ID", "Fundraiser Recipient ID",
    "Fundraiser Contact Email", "Fundraiser Contact First Name",
    "Fundraiser Contact Last Name", "Partner ID", "Partner Contact Email",
    "Partner Contact First Name", "Partner Contact Last Name", "Reserved", "Lineitem ID",
    "AB Test Name", "AB Variation", "Recipient Committee", "Recipient ID", "Recipient Gov ID",
    "Recipient Election", "Reserved", "Payment ID", "Payment Date", "Disbursement ID",
    "Disbursement Date", "Recovery ID", "Recovery Date", "Refund ID", "Refund Date", "Fee",
    "Recur Weekly", "ActBlue Express Lane", "Reserved", "Card Type",
)  # fmt: skip
AT = {name: i for i, name in enumerate(HEADER)}
FIRST = ["Ada", "Bob", "Cy", "Dee", "Eve", "Fay", "Gus", "Hal", "Ida", "Jo", "Kim", "Lee"]
LAST = ["Smith", "Jones", "Brown", "Lee", "Garcia", "Miller", "Davis", "Wilson", "Moore"]


def donors(count: int, voters: list[tuple], rng: random.Random) -> list[tuple]:
    made = []
    for n in range(count):
        if voters and n % 5 == 0:
            first, last, house, street, zip_ = voters[rng.randrange(len(voters))]
            street_1 = f"{house} {street}"
        else:
            first, last = rng.choice(FIRST), f"{rng.choice(LAST)}{n}"
            street_1, zip_ = f"{rng.randint(1, 9999)} Bench St", f"19{rng.randint(100, 199)}"
        phone = f"215555{n % 10000:04d}" if n % 2 else ""
        made.append((first, last, street_1, zip_, f"donor{n}@example.org", phone))
    return made


def write_file(path: Path, rows: int, voters: list[tuple], rng: random.Random) -> None:
    people = donors(max(rows // 3, 1), voters, rng)
    start = datetime(2025, 1, 1, 8)
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for n in range(rows):
            first, last, street_1, zip_, email, phone = people[rng.randrange(len(people))]
            cells = [""] * len(HEADER)
            when = start + timedelta(minutes=n * 860_000 // rows)  # to early August 2026
            amount = rng.choice((5, 10, 25, 27, 50, 100, 250)) if n % 997 else 3_600
            recurring = n % 5 == 0
            for name, value in (
                ("Receipt ID", f"AB{n // 2 if recurring else n}"),
                ("Date", when.strftime("%Y-%m-%d %H:%M:%S")),
                ("Amount", f"{amount}.00"),
                ("Recurring Total Months", "12" if recurring else ""),
                ("Recurrence Number", "2" if recurring else ""),
                ("Recipient", "Bench for Congress"),
                ("Fundraising Page", "bench-2026"),
                ("Reference Code", f"ref{n % 40}"),
                ("Donor First Name", first),
                ("Donor Last Name", last),
                ("Donor Addr1", street_1),
                ("Donor City", "Philadelphia"),
                ("Donor State", "PA"),
                ("Donor ZIP", zip_),
                ("Donor Country", "United States"),
                ("Donor Occupation", "Teacher" if n % 7 else ""),
                ("Donor Employer", "School District" if n % 7 else ""),
                ("Donor Email", email),
                ("Donor Phone", phone),
                ("Lineitem ID", str(10_000_000 + n)),
                ("Recipient Gov ID", "C00123456"),
                ("Recipient Election", _election(when, n)),
                ("Fee", "0.99"),
                ("Card Type", "visa"),
            ):
                cells[AT[name]] = value
            if n % 100 == 50:
                cells[AT["Refund ID"]] = str(90_000_000 + n)
                cells[AT["Refund Date"]] = (when + timedelta(days=3)).strftime("%Y-%m-%d %H:%M:%S")
            writer.writerow(cells)


def _election(when: datetime, n: int) -> str:
    """Undesignated, or named as ActBlue's forms name it, for an election still to come."""
    if when < datetime(2026, 5, 19):
        return ("", "primary", "P2026", "2026 General")[n % 4]
    return ("", "general", "2026 General")[n % 3]


def voter_names(org: int) -> list[tuple]:
    return [
        tuple(row)
        for row in db.session.execute(
            text(
                "SELECT p.first_name, p.last_name, a.house_number, a.street, a.zip FROM people p"
                " JOIN households h ON h.id = p.household_id"
                " JOIN addresses a ON a.id = h.address_id"
                " WHERE p.organization_id = :o AND p.first_name IS NOT NULL LIMIT 20000"
            ),
            {"o": org},
        )
    ]


def line(label: str, rows: int, seconds: float) -> str:
    return f"{label:<28} {rows:>9,} rows {seconds:8.2f} s {rows / seconds:>10,.0f} rows/s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--no-voters", action="store_true", help="skip the voter import")
    args = parser.parse_args()
    rng = random.Random(16)
    folder = Path(tempfile.mkdtemp(prefix="doorstep-actblue-"))
    with bench_database("bench_donations") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context(), acting_as("bench:donations"):
            flask_migrate.upgrade()
            org = create_organization("Bench donations", f"bench-donations-{time.time_ns()}").id
            actor = Actor.system(org, "bench")
            add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)})
            add_election(actor, {"kind": "G", "held_on": date(2026, 11, 3)})
            update_committee_settings(actor, {"committee_id": "C00123456"})
            db.session.commit()
            voter_rate = None
            voters: list[tuple] = []
            if not args.no_voters:
                import_divisions(org)
                job, seconds = import_voter_file(org)
                voter_rate = job.rows_read / seconds
                print(line("voter import (shared file)", job.rows_read, seconds))
                voters = voter_names(org)
            path = folder / "actblue.csv"
            started = time.perf_counter()
            write_file(path, args.rows, voters, rng)
            print(
                f"wrote {path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s"
            )
            job, seconds = run_import(org, ImportKind.DONATIONS, path, layout="actblue")
            print(line("ActBlue import, first run", job.rows_read, seconds))
            print(
                f"  rows: {job.rows_inserted:,} loaded, {job.rows_unchanged:,} unchanged,"
                f" {job.rows_rejected:,} rejected; {job.summary}"
            )
            again, again_seconds = run_import(org, ImportKind.DONATIONS, path, layout="actblue")
            print(line("ActBlue import, same again", again.rows_read, again_seconds))
            same = (
                again.rows_inserted == 0
                and again.rows_unchanged + again.rows_rejected == again.rows_read
            )
            print(f"  rows: {again.rows_inserted:,} loaded ({'idempotent' if same else 'CHANGED'})")
            if voter_rate:
                ratio = job.rows_read / seconds / voter_rate
                verdict = "met" if ratio >= GOAL else "NOT met"
                print(
                    f"ratio donation rows/s / voter rows/s: {ratio:.2f} (goal >= {GOAL}: {verdict})"
                )
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
