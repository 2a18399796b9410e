"""Verbs on organisations, users and invitations. They flush; the caller commits."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from app.accounts.models import Invitation, Organization, User
from app.accounts.passwords import check_password_policy, hash_password
from app.accounts.queries import find_invitation_by_token, hash_invitation_token
from app.audit.context import set_actor
from app.audit.operations import describe_changes, record_audit
from app.auth.permissions import Role, can_invite
from app.core.actor import Actor
from app.core.contact import normalise_email, normalise_phone
from app.core.errors import Conflict, Gone, NotFound, PermissionDenied, ValidationError
from app.core.links import public_url
from app.core.signals import user_deactivated
from app.extensions import db
from app.outreach.models import Channel
from app.outreach.operations import queue_message


def create_organization(name: str, slug: str) -> Organization:
    organization = Organization(name=name, slug=slug)
    db.session.add(organization)
    changes = describe_changes(organization)  # before flush: afterwards there is no history
    db.session.flush()
    record_audit(
        "organization.create", entity=organization, organization_id=organization.id, changes=changes
    )
    return organization


def create_user(
    organization: Organization,
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    phone: str | None = None,
    password_hash: str | None = None,
) -> User:
    """Create an account directly (CLI, demo data, accepted invitations). ``password_hash``:
    one made already for ``password`` (the demo's many accounts share one, hashed once)."""
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(
            "An account with this email exists.",
            code="email_taken",
            fields={"email": ["An account with this email exists."]},
        )
    check_password_policy(password, email=email)
    user = User(
        organization_id=organization.id,
        email=email,
        name=name,
        role=role,
        phone=normalise_phone(phone) if phone else None,
        password_hash=password_hash or hash_password(password),
        is_active=True,
        token_version=1,
    )
    db.session.add(user)
    changes = describe_changes(user)
    db.session.flush()
    record_audit("user.create", entity=user, changes=changes)
    return user


def invite_user(
    actor: Actor,
    *,
    role: Role,
    email: str | None = None,
    phone: str | None = None,
    name: str | None = None,
) -> tuple[Invitation, str]:
    """Create a single-use invitation and queue its link; returns the invitation and token."""
    # A signed-in user's role decides what they may grant; no system actor invites anyone.
    inviter = db.session.get(User, actor.user_id) if actor.user_id is not None else None
    if inviter is None:
        raise PermissionDenied("Only a signed-in user may invite.", code="forbidden")
    if not can_invite(inviter.role, role):
        raise PermissionDenied(
            f"A {inviter.role} may not invite a {role}.", code="role_not_grantable"
        )
    email = normalise_email(email) if email else None
    phone = normalise_phone(phone) if phone else None
    if not email and not phone:
        raise ValidationError(
            "Give an email or a phone number.",
            fields={"email": ["Give an email or a phone number."]},
        )
    if email and db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(
            "This person already has an account.",
            code="email_taken",
            fields={"email": ["An account with this email exists."]},
        )
    now = datetime.now(UTC)
    # A new invitation replaces any pending one for the same person: one live link each.
    same_person = Invitation.email == email if email else Invitation.phone == phone
    for old in db.session.scalars(
        select(Invitation).where(
            Invitation.organization_id == inviter.organization_id,
            same_person,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ):
        old.revoked_at = now
        record_audit("invitation.revoke", entity=old, changes={"reason": "replaced"})

    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organization_id=inviter.organization_id,
        email=email,
        phone=phone,
        name=name,
        role=role,
        token_hash=hash_invitation_token(token),
        invited_by_id=inviter.id,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["DOORSTEP_INVITE_DAYS"]),
    )
    db.session.add(invitation)
    changes = describe_changes(invitation)
    db.session.flush()
    record_audit("invitation.create", entity=invitation, changes=changes)
    _queue_invitation_message(invitation, token, inviter)
    return invitation, token


def invitation_link(token: str) -> str:
    return public_url(f"/invite/{token}")


def _queue_invitation_message(invitation: Invitation, token: str, inviter: User) -> None:
    organization = inviter.organization
    link = invitation_link(token)
    days = current_app.config["DOORSTEP_INVITE_DAYS"]
    if invitation.email:
        queue_message(
            organization_id=invitation.organization_id,
            channel=Channel.EMAIL,
            recipient=invitation.email,
            kind="invitation",
            subject=f"{inviter.name} invited you to {organization.name} on Doorstep",
            body=(
                f"Hello{' ' + invitation.name if invitation.name else ''},\n\n"
                f"{inviter.name} invited you to join {organization.name} on Doorstep "
                f"as {invitation.role}.\n\nSet your password here (the link works once and "
                f"expires in {days} days):\n{link}\n"
            ),
        )
    else:
        queue_message(
            organization_id=invitation.organization_id,
            channel=Channel.SMS,
            recipient=invitation.phone,
            kind="invitation",
            body=f"{inviter.name} invited you to {organization.name} on Doorstep: {link}",
        )


def accept_invitation(token: str, *, name: str, password: str, email: str | None = None) -> User:
    """Turn a pending invitation into an account; the link then stops working."""
    invitation = find_invitation_by_token(token, for_update=True)
    now = datetime.now(UTC)
    status = invitation.status_at(now)
    if status != "pending":
        raise Gone(f"This invitation was {status}; ask for a new one.", code=f"invitation_{status}")
    email = invitation.email or (normalise_email(email) if email else None)
    if not email:
        raise ValidationError(
            "Give the email you will sign in with.", fields={"email": ["Required."]}
        )
    organization = db.session.get(Organization, invitation.organization_id)
    user = create_user(
        organization,
        email=email,
        name=name,
        role=invitation.role,
        password=password,
        phone=invitation.phone,
    )
    set_actor(user_id=user.id, label=user.email, organization_id=user.organization_id)
    invitation.accepted_at = now
    invitation.accepted_user_id = user.id
    record_audit("invitation.accept", entity=invitation, changes={"user_id": user.id})
    return user


def revoke_invitation(actor: Actor, invitation_id: int) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id, Invitation.organization_id == actor.organization_id
        )
    )
    if invitation is None:
        raise NotFound("No such invitation.", code="invitation_not_found")
    if invitation.status_at(datetime.now(UTC)) != "pending":
        raise Conflict("Only a pending invitation can be revoked.", code="invitation_not_pending")
    invitation.revoked_at = datetime.now(UTC)
    record_audit("invitation.revoke", entity=invitation, changes=describe_changes(invitation))
    db.session.flush()
    return invitation


def _active_admins(organization_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            User.organization_id == organization_id, User.role == Role.ADMIN, User.is_active
        )
    )


def update_user(actor: Actor, user: User, changes: dict[str, Any]) -> User:
    """Change a user's role, name, phone or active flag; disabling ends every session."""
    if changes.get("phone"):
        changes["phone"] = normalise_phone(changes["phone"])
    demoted = changes.get("role", user.role) != Role.ADMIN or changes.get("is_active") is False
    if (
        user.role == Role.ADMIN
        and user.is_active
        and demoted
        and _active_admins(user.organization_id) <= 1
    ):
        raise Conflict("The campaign needs at least one active admin.", code="last_admin")
    for key, value in changes.items():
        setattr(user, key, value)
    summary = describe_changes(user)
    if changes.get("is_active") is False and "is_active" in summary:
        user.invalidate_tokens()
        user_deactivated.send(user.id)  # auth revokes the user's refresh tokens
    if summary:
        record_audit("user.update", entity=user, changes=summary)
    db.session.flush()
    return user


def update_organization(organization: Organization, changes: dict[str, Any]) -> Organization:
    for key, value in changes.items():
        setattr(organization, key, value)
    summary = describe_changes(organization)
    if summary:
        record_audit(
            "organization.update",
            entity=organization,
            organization_id=organization.id,
            changes=summary,
        )
    db.session.flush()
    return organization
