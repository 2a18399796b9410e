"""The demo campaign at work: five weeks of door knocking, volunteering, events and texting
made by a seeded generator (the same seed, the same campaign), written through the paths a
real campaign's data takes, so every screen and count agrees with the raw tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.accounts.models import User
from app.auth.permissions import Role
from app.demo_activity.field import DemoField, demo_canvassers, load_demo_field
from app.demo_activity.organising import DemoOrganising, load_demo_organising
from app.demo_activity.texting import DemoTexting, load_demo_texting
from app.events.models import Event
from app.extensions import db
from app.people.operations import campaign_zone

DEMO_SEED = 2026


@dataclass
class DemoActivity:
    field: DemoField
    organising: DemoOrganising | None
    today: date
    texting: DemoTexting | None = None


def load_demo_activity(
    organization_id: int,
    *,
    password: str,
    upcoming: Event | None = None,
    seed: int = DEMO_SEED,
    today: date | None = None,
) -> DemoActivity:
    """The weeks before ``today`` (the campaign's today by default); each part is made once,
    so a second run adds nothing."""
    today = today or datetime.now(campaign_zone(organization_id)).date()
    field = load_demo_field(organization_id, seed, today, password)
    organizer = db.session.scalar(
        select(User).where(User.organization_id == organization_id, User.role == Role.ORGANIZER)
        .order_by(User.id).limit(1)
    )  # fmt: skip
    canvassers = demo_canvassers(organization_id, password) if field.knocks else []
    organising = (
        load_demo_organising(organization_id, seed, today, canvassers, organizer, upcoming)
        if organizer is not None and canvassers else None
    )  # fmt: skip
    texting = (
        load_demo_texting(organization_id, seed, today, organizer) if organizer is not None
        and canvassers else None
    )  # fmt: skip
    return DemoActivity(field, organising, today, texting)
