"""The demo campaign that ``bin/start`` loads: one organisation, one account per role, and
four divisions of West Philadelphia (``app/demo_data``, cut by ``bin/extract-demo-data``)
imported through the same jobs a campaign runs; an event; and money given by demo voters."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from app.accounts.models import Organization, User
from app.accounts.operations import create_organization, create_user
from app.auth.permissions import Role
from app.core.actor import Actor
from app.demo_activity.field import demo_password_hash
from app.donations.committee import (
    add_election,
    committee_settings,
    list_elections,
    update_committee_settings,
)
from app.donations.corrections import (
    record_joint_donation,
    redesignate_donation,
    refund_donation,
)
from app.donations.desk import close_batch, fill_from_person, open_batch
from app.donations.flags import open_flags
from app.donations.models import CandidateElection, Donation, MatchStatus, Method
from app.donations.operations import record_donation
from app.events.models import Event, EventKind
from app.events.operations import create_event
from app.extensions import db
from app.imports.jobs import create_job, run_job
from app.imports.models import ImportJob, ImportKind, JobStatus
from app.people.models import Person

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
# (kind, file, layout, options): areas first, so homes are placed in them as they load.
DEMO_IMPORTS = [
    (ImportKind.AREAS, "wards.geojson", "", {"kind": "ward", "code_field": "WARD_NUM"}),
    (ImportKind.AREAS, "divisions.geojson", "", {"kind": "precinct", "code_field": "DIVISION_NUM"}),
    (ImportKind.VOTERS, "voters.csv.gz", "pa", {"elections": "election_lookup.json"}),
    (ImportKind.ADDRESS_POINTS, "address_points.csv", "", {}),
    (ImportKind.STREETS, "streets.geojson", "", {"key_field": "fid"}),
]

DEMO_SLUG = "demo"
DEMO_EVENT = "Saturday canvass launch"
DEMO_PASSWORD = "doorstep-demo"  # noqa: S105 - printed on purpose: demo accounts only

DEMO_USERS = [
    (Role.ADMIN, "admin@demo.doorstep.test", "Ada Admin"),
    (Role.DIRECTOR, "director@demo.doorstep.test", "Dana Director"),
    (Role.ORGANIZER, "organizer@demo.doorstep.test", "Omar Organizer"),
    (Role.CANVASSER, "canvasser@demo.doorstep.test", "Cam Canvasser"),
    (Role.FINANCE, "finance@demo.doorstep.test", "Fran Finance"),
]


@dataclass
class DemoLogin:
    role: Role
    email: str
    password: str


def load_demo() -> list[DemoLogin]:
    """Create the demo campaign and accounts if missing; safe to run again."""
    organization = db.session.scalar(select(Organization).where(Organization.slug == DEMO_SLUG))
    if organization is None:
        organization = create_organization("Demo Campaign", DEMO_SLUG)
    for role, email, name in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            create_user(organization, email=email, name=name, role=role, password=DEMO_PASSWORD,
                        password_hash=demo_password_hash(DEMO_PASSWORD))  # fmt: skip
    return [DemoLogin(role, email, DEMO_PASSWORD) for role, email, _ in DEMO_USERS]


def demo_organization_id() -> int:
    return db.session.scalar(select(Organization.id).where(Organization.slug == DEMO_SLUG))


def load_demo_voters(organization_id: int) -> Iterator[ImportJob]:
    """Import the demo extract, one job at a time (the caller commits each); a file already
    imported successfully is skipped, so a second run costs nothing."""
    for kind, name, layout, options in DEMO_IMPORTS:
        path = DEMO_DATA / name
        done = db.session.scalar(
            select(ImportJob.id).filter_by(
                organization_id=organization_id, file_path=str(path), status=JobStatus.SUCCEEDED
            )
        )
        if done:
            continue
        if "elections" in options:
            options = {**options, "elections": str(DEMO_DATA / options["elections"])}
        yield run_job(create_job(organization_id, kind, path, layout=layout, options=options))


def load_demo_event(organization_id: int) -> Event:
    """A canvass launch next Saturday at the field office, with canvasser and driver shifts
    (made once): the public sign-up page has something to show."""
    event = db.session.scalar(
        select(Event).where(Event.organization_id == organization_id, Event.name == DEMO_EVENT)
    )
    if event is not None:
        return event
    zone = ZoneInfo("America/New_York")
    today = datetime.now(zone).date()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    start = datetime.combine(saturday, time(10), tzinfo=zone)
    shifts = [
        {"starts_at": start, "ends_at": start + timedelta(hours=3), "role": "canvasser",
         "capacity": 20},
        {"starts_at": start, "ends_at": start + timedelta(hours=3), "role": "driver",
         "capacity": 4, "has_waitlist": False},
    ]  # fmt: skip
    fields = {"name": DEMO_EVENT, "kind": EventKind.CANVASS_LAUNCH, "place_name": "Field office",
              "address": "4700 Baltimore Ave, Philadelphia, PA 19143", "lon": -75.2155,
              "lat": 39.9481, "description": "Training at 10, on the doors by 10:30.",
              "shifts": shifts}  # fmt: skip
    return create_event(Actor.system(organization_id, "cli:demo"), fields)


# ---- money: the 2026 elections, the committee, and gifts on demo voters ----
DEMO_COMMITTEE = {
    "committee_id": "C00912345",
    "committee_name": "Friends of the Demo Campaign",
    "street_1": "4700 Baltimore Ave",
    "city": "Philadelphia",
    "state": "PA",
    "zip": "19143",
    "treasurer_first_name": "Tara",
    "treasurer_last_name": "Treasurer",
    "paid_for_by": "Paid for by Friends of the Demo Campaign",
}
ACTBLUE = {
    "processor": "actblue",
    "conduit_name": "ActBlue",
    "conduit_committee_id": "C00401224",
    "method": Method.CARD,
    "page": "demo-launch",
    "reference_code": "email-0412",
}
WORK = [
    ("University of Pennsylvania", "Professor"),
    ("Self-employed", "Carpenter"),
    ("City of Philadelphia", "Teacher"),
    ("Penn Medicine", "Nurse"),
    ("Retired", "Retired"),
    ("Comcast", "Engineer"),
    ("SEPTA", "Bus operator"),
    ("Drexel University", "Student"),
]


@dataclass
class DemoMoney:
    donations: int
    donors: int
    open_flags: int
    to_review: int


def load_demo_money(organization_id: int) -> DemoMoney:
    """The primary and general of 2026, the committee, and a few dozen gifts on demo voters
    (some over the limit, a missing occupation, cash over $100, ActBlue-earmarked gifts, a
    refund, a joint check, one waiting in the review queue, a closed and an open deposit
    batch), made once: a second run adds nothing."""
    actor = Actor.system(organization_id, "cli:demo")
    elections = {e.code: e for e in list_elections(organization_id)}
    for kind, held_on in (("P", date(2026, 5, 19)), ("G", date(2026, 11, 3))):
        if f"{kind}2026" not in elections:
            elections[f"{kind}2026"] = add_election(actor, {"kind": kind, "held_on": held_on})
    if not committee_settings(organization_id).committee_id:
        update_committee_settings(actor, DEMO_COMMITTEE)
    if db.session.scalar(select(Donation.id).filter_by(organization_id=organization_id).limit(1)):
        return _demo_money_figures(organization_id)
    people = _demo_donors(organization_id)
    if len(people) < 40:  # the voter file is not loaded: nobody to give
        return _demo_money_figures(organization_id)
    _demo_gifts(actor, people, elections["P2026"].id, elections["G2026"].id)
    return _demo_money_figures(organization_id)


def _demo_donors(organization_id: int) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person)
            .where(
                Person.organization_id == organization_id,
                Person.household_id.is_not(None),
                Person.first_name.is_not(None),
                Person.confidential.is_(False),
                Person.is_deceased.is_(False),
            )
            .order_by(Person.id)
            .limit(40)
        )
    )


def _demo_gifts(actor: Actor, people: list[Person], primary: int, general: int) -> None:
    picks = random.Random(2026)  # noqa: S311 - the same demo every time, not a secret

    def give(person: Person | None, cents: int, election: int, on: date, **fields):
        gift = {
            "amount_cents": cents,
            "election_id": election,
            "received_on": on,
            "method": Method.CHECK,
            "check_number": str(picks.randint(1000, 9999)),
            **fields,
        }
        if person is not None:
            employer, occupation = WORK[person.id % len(WORK)]
            gift.setdefault("employer", employer)
            gift.setdefault("occupation", occupation)
            fill_from_person(gift, person)
        if gift["method"] != Method.CHECK:
            gift.pop("check_number")
        return record_donation(actor, gift, person=person)[0]

    spring, autumn = date(2026, 1, 5), date(2026, 6, 1)
    for n, person in enumerate(people[:24]):  # everyday gifts, primary then general
        election, start = (primary, spring) if n % 3 else (general, autumn)
        give(
            person,
            picks.choice([2_500, 5_000, 10_000, 25_000, 50_000, 100_000]),
            election,
            start + timedelta(days=picks.randint(0, 130)),
        )
    for n, person in enumerate(people[24:30]):  # through ActBlue, earmarked
        line = f"AB{9000 + n}"
        recurring = {"recurring_series": f"AB-R{n}"} if n < 2 else {}
        give(
            person,
            picks.choice([1_000, 2_700, 5_000]),
            general,
            autumn + timedelta(days=7 * n),
            processor_receipt_id=line,
            processor_line_id=line,
            **ACTBLUE,
            **recurring,
        )
    over, twice, refunded = people[30], people[31], people[32]
    too_much = give(over, 500_000, primary, date(2026, 4, 20))  # $1,500 over the primary's limit
    # Cured in its 60 days: moved to the general, the donor told (with a refund offered).
    moved_to = db.session.get(CandidateElection, general)
    redesignate_donation(actor, too_much, moved_to, 150_000, date(2026, 5, 11))
    give(twice, 300_000, general, date(2026, 9, 1))
    give(twice, 100_000, general, date(2026, 10, 12))  # the second gift goes $500 over
    excess = give(refunded, 400_000, primary, date(2026, 3, 3))
    refund_donation(actor, excess, 50_000, date(2026, 3, 20), reason="Over the limit")
    give(people[33], 25_000, primary, date(2026, 2, 14), occupation=None)  # best efforts owed
    give(people[34], 15_000, primary, date(2026, 5, 2), method=Method.CASH)  # cash over $100
    give(
        people[35],
        18_000,
        primary,
        date(2026, 4, 25),
        method=Method.IN_KIND,
        in_kind_description="Coffee and bagels for the canvass launch",
    )
    give(None, 2_000, primary, date(2026, 4, 25), method=Method.CASH)  # anonymous, at the door
    _demo_joint_check(actor, people, general)
    stranger = people[36]  # someone of that name in the ZIP, at another door: who is it?
    give(
        None,
        10_000,
        general,
        date(2026, 10, 20),
        first_name=stranger.first_name[:30],
        last_name=(stranger.last_name or "")[:30],
        street_1="1 Other St",
        zip=stranger.household.address.zip,
        employer="Unknown",
        occupation="Unknown",
    )
    mail = open_batch(
        actor, {"name": "Mail, week of Oct 5", "expected_count": 2, "expected_cents": 35_000}
    )
    for person, cents in ((people[37], 10_000), (people[38], 25_000)):
        give(person, cents, general, date(2026, 10, 5), batch_id=mail.id)
    close_batch(actor, mail)
    desk = open_batch(
        actor, {"name": "Office drop-box", "expected_count": 3, "expected_cents": 45_000}
    )
    give(people[39], 20_000, general, date(2026, 10, 28), batch_id=desk.id)


def _demo_joint_check(actor: Actor, people: list[Person], general: int) -> None:
    """Two people of one household on one check, when the demo has such a household."""
    household = db.session.scalar(
        select(Person.household_id)
        .where(Person.id.in_([p.id for p in people[:24]]))
        .where(
            Person.household_id.in_(
                select(Person.household_id).group_by(Person.household_id).having(func.count() > 1)
            )
        )
        .limit(1)
    )
    if household is None:
        return
    signers = db.session.scalars(
        select(Person).where(Person.household_id == household).order_by(Person.id).limit(2)
    ).all()
    fields = {
        "amount_cents": 100_000,
        "election_id": general,
        "received_on": date(2026, 8, 8),
        "method": Method.CHECK,
        "check_number": "4242",
    }
    fill_from_person(fields, signers[0])
    fields.pop("first_name"), fields.pop("last_name")
    work = [WORK[person.id % len(WORK)] for person in signers]
    details = [{"employer": employer, "occupation": occupation} for employer, occupation in work]
    record_joint_donation(actor, fields, [(signers[0], 50_000), (signers[1], 50_000)], details)


def _demo_money_figures(organization_id: int) -> DemoMoney:
    live = (Donation.organization_id == organization_id, Donation.voided_at.is_(None))
    return DemoMoney(
        donations=db.session.scalar(select(func.count()).where(*live)) or 0,
        donors=db.session.scalar(select(func.count(func.distinct(Donation.person_id))).where(*live))
        or 0,
        open_flags=len(open_flags(organization_id)),
        to_review=db.session.scalar(
            select(func.count()).where(*live, Donation.match_status == MatchStatus.REVIEW)
        )
        or 0,
    )
