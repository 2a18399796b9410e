"""Invitations end to end: invite, the email arrives over real SMTP, accept, sign in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from app.accounts.models import Invitation
from app.auth.permissions import Role
from app.core.localdb import free_port
from app.outreach.models import MessageStatus, OutboundMessage
from tests.factories import auth_headers, create_organization, create_user

LINK = re.compile(r"https://doorstep\.test/invite/([\w-]+)")


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


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


@pytest.fixture
def org(db_session):
    return create_organization("Friends of Ada")


def invite(client, inviter, **body):
    return client.post("/api/v1/invitations", json=body, headers=auth_headers(inviter))


def test_invite_email_accept_and_sign_in(client, org, smtp):
    director = create_user(org, Role.DIRECTOR, name="Dana Director")
    response = invite(client, director, email="New.Walker@Example.org", role="canvasser")
    assert response.status_code == 201
    assert response.get_json()["status"] == "pending"

    [email] = smtp.messages
    assert email["To"] == "new.walker@example.org"
    assert "Friends of Ada" in email["Subject"]
    token = LINK.search(email.get_payload(decode=True).decode()).group(1)
    assert response.get_json()["link"].endswith(token)

    preview = client.post("/api/v1/invitations/lookup", json={"token": token}).get_json()
    assert preview == {
        "organization": "Friends of Ada",
        "role": "canvasser",
        "email": "new.walker@example.org",
        "name": None,
        "status": "pending",
        "expires_at": preview["expires_at"],
    }
    accepted = client.post(
        "/api/v1/invitations/accept",
        json={"token": token, "name": "Nia Walker", "password": "knock knock 2026"},
    )
    assert accepted.status_code == 201
    session = accepted.get_json()
    assert session["user"]["role"] == "canvasser"
    assert session["user"]["organization_id"] == org.id

    login = client.post(
        "/api/v1/auth/login",
        json={"email": "new.walker@example.org", "password": "knock knock 2026"},
    )
    assert login.status_code == 200

    # Single use: the same link again is refused and nothing is created.
    again = client.post(
        "/api/v1/invitations/accept",
        json={"token": token, "name": "Someone Else", "password": "another password 1"},
    )
    assert again.status_code == 410
    assert again.get_json()["error"]["code"] == "invitation_accepted"

    # The invite page a person opens from the email is served by the app.
    page = client.get(f"/invite/{token}")
    assert page.status_code == 200
    assert b"invite.js" in page.data


def test_expired_invitation_is_refused(client, org, db_session):
    director = create_user(org, Role.DIRECTOR)
    token = invite(client, director, email="late@example.org", role="canvasser").get_json()["link"]
    token = token.rsplit("/", 1)[1]
    invitation = db_session.query(Invitation).filter_by(email="late@example.org").one()
    invitation.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db_session.flush()
    response = client.post(
        "/api/v1/invitations/accept",
        json={"token": token, "name": "Late", "password": "too late for this"},
    )
    assert response.status_code == 410
    assert response.get_json()["error"]["code"] == "invitation_expired"


def test_revoked_invitation_is_refused_and_a_new_one_replaces_the_old(client, org):
    director = create_user(org, Role.DIRECTOR)
    first = invite(client, director, email="twice@example.org", role="organizer").get_json()
    second = invite(client, director, email="twice@example.org", role="canvasser").get_json()
    old_token = first["link"].rsplit("/", 1)[1]
    refused = client.post(
        "/api/v1/invitations/accept",
        json={"token": old_token, "name": "Twice", "password": "twice as nice!"},
    )
    assert refused.get_json()["error"]["code"] == "invitation_revoked"
    revoke = client.delete(f"/api/v1/invitations/{second['id']}", headers=auth_headers(director))
    assert revoke.status_code == 200
    assert revoke.get_json()["status"] == "revoked"


def test_unknown_token_is_404(client, org):
    response = client.post(
        "/api/v1/invitations/accept",
        json={"token": "x" * 43, "name": "Nobody", "password": "nobody knows me"},
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "invitation_not_found"


@pytest.mark.parametrize(
    ("inviter", "role", "status"),
    [
        (Role.ADMIN, "admin", 201),
        (Role.ADMIN, "finance", 201),
        (Role.DIRECTOR, "canvasser", 201),
        (Role.DIRECTOR, "director", 201),
        (Role.DIRECTOR, "admin", 403),
        (Role.DIRECTOR, "finance", 403),
    ],
)
def test_nobody_grants_more_than_they_hold(client, org, inviter, role, status):
    response = invite(client, create_user(org, inviter), email="who@example.org", role=role)
    assert response.status_code == status


def test_invite_by_phone_goes_by_sms_and_asks_for_an_email_on_accept(client, org, db_session):
    director = create_user(org, Role.DIRECTOR)
    response = invite(client, director, phone="(215) 555-0134", role="canvasser")
    assert response.status_code == 201
    assert response.get_json()["phone"] == "+12155550134"
    message = db_session.query(OutboundMessage).filter_by(recipient="+12155550134").one()
    assert message.channel == "sms"
    assert message.status == MessageStatus.SENT  # the default sender logs it
    token = response.get_json()["link"].rsplit("/", 1)[1]
    missing = client.post(
        "/api/v1/invitations/accept",
        json={"token": token, "name": "Pat", "password": "pat pat pat pat"},
    )
    assert missing.status_code == 422
    assert "email" in missing.get_json()["error"]["fields"]
    ok = client.post(
        "/api/v1/invitations/accept",
        json={
            "token": token,
            "name": "Pat",
            "password": "pat pat pat pat",
            "email": "pat@example.org",
        },
    )
    assert ok.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "canvasser"}, "email"),
        ({"email": "not-an-email", "role": "canvasser"}, "email"),
        ({"phone": "12", "role": "canvasser"}, "phone"),
        ({"email": "a@example.org", "role": "emperor"}, "role"),
        ({"email": "a@example.org", "role": "canvasser", "colour": "red"}, "colour"),
    ],
)
def test_bad_invitations_name_the_field(client, org, body, field):
    response = invite(client, create_user(org, Role.ADMIN), **body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_inviting_an_existing_account_is_a_conflict(client, org):
    admin = create_user(org, Role.ADMIN)
    existing = create_user(org, Role.CANVASSER)
    response = invite(client, admin, email=existing.email, role="canvasser")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "email_taken"


def test_an_unreachable_smtp_server_keeps_the_message_pending(
    client, org, app, monkeypatch, db_session
):
    monkeypatch.setitem(app.config, "DOORSTEP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "DOORSTEP_SMTP_PORT", free_port())  # nobody listens
    monkeypatch.setitem(app.config, "DOORSTEP_SMTP_STARTTLS", False)
    director = create_user(org, Role.DIRECTOR)
    assert invite(client, director, email="later@example.org", role="canvasser").status_code == 201
    message = db_session.query(OutboundMessage).filter_by(recipient="later@example.org").one()
    assert message.status == MessageStatus.PENDING
    assert message.attempts == 1
    assert "SMTP delivery failed" in message.last_error
