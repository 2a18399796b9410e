"""The demo campaign that ``bin/start`` loads: one organisation, one account per role, and
four divisions of West Philadelphia (``app/demo_data``, cut by ``bin/extract-demo-data``)
imported through the same jobs a campaign runs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.accounts.models import Organization, User
from app.accounts.operations import create_organization, create_user
from app.auth.permissions import Role
from app.core.actor import Actor
from app.events.models import Event, EventKind
from app.events.operations import create_event
from app.extensions import db
from app.imports.jobs import create_job, run_job
from app.imports.models import ImportJob, ImportKind, JobStatus

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
            create_user(organization, email=email, name=name, role=role, password=DEMO_PASSWORD)
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
