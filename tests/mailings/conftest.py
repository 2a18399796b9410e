"""A campaign's world: a director, people with addresses in every state that matters, a
universe of them, and a local SMTP sink (aiosmtpd) the sender delivers to."""

from __future__ import annotations

from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from app.auth.permissions import Role
from app.core.actor import Actor
from app.core.localdb import free_port
from app.extensions import db
from app.mailings.operations import create_campaign
from app.people.models import PersonEmail
from app.universes.operations import create_universe
from tests.factories import (
    auth_headers,
    create_household,
    create_organization,
    create_person,
    create_user,
)

POSTAL = "Friends of Ada, 1 Main St, Philadelphia PA 19104"


class Inbox:
    def __init__(self):
        self.messages = []
        self.fail_after: int | None = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def to(self):
        return [message["To"] for message in self.messages]


@pytest.fixture
def smtp(app, monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "DOORSTEP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "DOORSTEP_SMTP_PORT", controller.port)
    monkeypatch.setitem(app.config, "DOORSTEP_SMTP_STARTTLS", False)
    yield inbox
    controller.stop()


@pytest.fixture(autouse=True)
def mail_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "DOORSTEP_MAIL_POSTAL_ADDRESS", POSTAL)
    monkeypatch.setitem(app.config, "DOORSTEP_MAIL_WEBHOOK_SECRET", "hook-secret")
    monkeypatch.setitem(app.config, "DOORSTEP_MAIL_PER_MINUTE", 0)
    monkeypatch.setitem(app.config, "DOORSTEP_MAIL_PER_HOUR", 0)


@pytest.fixture
def org(db_session):
    return create_organization("Friends of Ada")


@pytest.fixture
def director(org):
    return create_user(org, Role.DIRECTOR)


@pytest.fixture
def headers(director):
    return auth_headers(director)


def add_email(person, address, **flags):
    flags.setdefault("consent", True)
    email = PersonEmail(
        organization_id=person.organization_id,
        person_id=person.id,
        address=address,
        is_primary=True,
        **flags,
    )
    db.session.add(email)
    db.session.flush()
    return email


@pytest.fixture
def people(org):
    """Reachable: ada, ben, and two housemates sharing one address. Not: the unsubscribed,
    the never-consented, the deceased, the confidential one, and one with no address."""
    home = create_household(org)
    made = {
        "ada": create_person(org, first_name="Ada", tags=["list"]),
        "ben": create_person(org, first_name="Ben", tags=["list"]),
        "cy": create_person(org, first_name="Cy", household=home, tags=["list"]),
        "di": create_person(org, first_name="Di", household=home, tags=["list"]),
        "out": create_person(org, first_name="Out", tags=["list"]),
        "never": create_person(org, first_name="Never", tags=["list"]),
        "gone": create_person(org, first_name="Gone", is_deceased=True, tags=["list"]),
        "secret": create_person(org, first_name="Secret", confidential=True, tags=["list"]),
        "none": create_person(org, first_name="None", tags=["list"]),
    }
    add_email(made["ada"], "ada@example.org")
    add_email(made["ben"], "ben@example.org")
    add_email(made["cy"], "home@example.org")
    add_email(made["di"], "home@example.org")
    add_email(made["out"], "out@example.org", do_not_contact=True)
    add_email(made["never"], "never@example.org", consent=False)
    add_email(made["gone"], "gone@example.org")
    add_email(made["secret"], "secret@example.org")
    return made


@pytest.fixture
def universe(director, people):
    return create_universe(Actor.of(director), name="The list", filter={"tags": {"any": ["list"]}})


TEXT = (
    "Hi {{ first_name | default('friend') }}, see "
    "{% if next_event %}{{ next_event.name }}{% else %}you soon{% endif %}."
)
HTML = '<p>Hi {{ first_name }}! <a href="https://example.org/act?x=1&amp;y=2">Act</a></p>'


@pytest.fixture
def campaign(director, universe):
    return create_campaign(
        Actor.of(director),
        {
            "name": "October push",
            "purpose": "updates",
            "audience_kind": "universe",
            "audience_id": universe.id,
            "subject": "News for {{ first_name | default('you') }}",
            "preheader": "What is on this week",
            "text_body": TEXT,
            "html_body": HTML,
            "from_name": "Ada for Council",
            "from_address": "news@ada.example",
            "reply_to": "team@ada.example",
        },
    )
