"""Reads of organisations, users and invitations, always within one organisation."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select

from app.accounts.models import Invitation, User
from app.core.errors import NotFound
from app.core.pagination import Page, paginate
from app.extensions import db

USER_SORTS = {"name": User.name, "email": User.email, "created_at": User.created_at}
INVITATION_SORTS = {"created_at": Invitation.created_at, "expires_at": Invitation.expires_at}


def get_user(organization_id: int, user_id: int) -> User:
    user = db.session.scalar(
        select(User).where(User.id == user_id, User.organization_id == organization_id)
    )
    if user is None:
        raise NotFound("No such user.", code="user_not_found")
    return user


def list_users(organization_id: int, args: Mapping[str, Any]) -> Page:
    stmt = select(User).where(User.organization_id == organization_id)
    if args.get("role"):
        stmt = stmt.where(User.role == args["role"])
    if args.get("is_active") is not None:
        stmt = stmt.where(User.is_active == args["is_active"])
    if args.get("q"):
        pattern = f"%{args['q'].lower()}%"
        stmt = stmt.where(or_(User.email.like(pattern), User.name.ilike(pattern)))
    return paginate(stmt, args, sortable=USER_SORTS, default_order=[User.id.asc()])


def list_invitations(organization_id: int, args: Mapping[str, Any]) -> Page:
    now = datetime.now(UTC)
    stmt = select(Invitation).where(Invitation.organization_id == organization_id)
    status = args.get("status")
    if status == "pending":
        stmt = stmt.where(
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
    elif status == "accepted":
        stmt = stmt.where(Invitation.accepted_at.is_not(None))
    elif status == "revoked":
        stmt = stmt.where(Invitation.revoked_at.is_not(None), Invitation.accepted_at.is_(None))
    elif status == "expired":
        stmt = stmt.where(
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at <= now,
        )
    return paginate(stmt, args, sortable=INVITATION_SORTS, default_order=[Invitation.id.desc()])


def hash_invitation_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_invitation_by_token(token: str, *, for_update: bool = False) -> Invitation:
    stmt = select(Invitation).where(Invitation.token_hash == hash_invitation_token(token))
    invitation = db.session.scalar(stmt.with_for_update() if for_update else stmt)
    if invitation is None:
        raise NotFound("This invitation link is not valid.", code="invitation_not_found")
    return invitation


def preview_invitation(token: str) -> dict[str, Any]:
    invitation = find_invitation_by_token(token)
    return {
        "organization": invitation.organization.name,
        "role": invitation.role,
        "email": invitation.email,
        "name": invitation.name,
        "status": invitation.status_at(datetime.now(UTC)),
        "expires_at": invitation.expires_at,
    }
