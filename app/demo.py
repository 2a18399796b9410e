"""The demo campaign that ``bin/start`` loads: one organisation, one account per role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.accounts.models import Organization, User
from app.accounts.operations import create_organization, create_user
from app.auth.permissions import Role
from app.extensions import db

DEMO_SLUG = "demo"
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
