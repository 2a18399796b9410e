"""Organisations (campaigns), their users, and invitations to join them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.permissions import Permission, Role, role_has
from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db

RoleType = text_enum(Role, "role")


class Organization(TimestampMixin, db.Model):
    """A campaign (or a party running several): the owner of campaign data."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64), server_default="America/New_York")

    __audit_values__ = ("name", "slug", "time_zone")


class User(TimestampMixin, OrganizationOwnedMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; unique across Doorstep because a login names one account.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(RoleType)
    password_hash: Mapped[str] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    # Bumped to invalidate every token issued before (log out everywhere, disable, new password).
    token_version: Mapped[int] = mapped_column(server_default=text("1"))
    last_login_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship(lazy="joined")

    __audit_values__ = ("email", "phone", "name", "role", "is_active")

    def can(self, permission: Permission) -> bool:
        return self.is_active and role_has(self.role, permission)

    def invalidate_tokens(self) -> None:
        self.token_version = (self.token_version or 1) + 1


class Invitation(OrganizationOwnedMixin, db.Model):
    """A single-use, expiring link that lets a person set a password and join with a role."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(RoleType)
    # Only a hash of the token is kept: a database leak does not leak usable links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None]

    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])
    organization: Mapped[Organization] = relationship()

    __audit_values__ = ("email", "phone", "name", "role", "expires_at", "revoked_at")

    def status_at(self, now: datetime) -> str:
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"
