"""Records that keep sign-in honest: refresh-token families, revocations, attempts."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.dialects.postgresql import INET
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class RefreshToken(db.Model):
    """One issued refresh token. Rotation chains tokens of one sign-in into a family."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    rotated_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    #: The access token issued with this one (its id only: the pair can be signed again).
    access_jti: Mapped[uuid.UUID | None]
    #: The refresh token that replaced this one when it was rotated: a retry of that rotation
    #: inside the grace period is answered with the same pair, not a new one.
    replaced_by_jti: Mapped[uuid.UUID | None]


class RevokedAccessToken(db.Model):
    """Access tokens revoked before they expire (log out)."""

    __tablename__ = "revoked_access_tokens"

    jti: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    revoked_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LoginAttempt(db.Model):
    """Every sign-in attempt; failures drive throttling, successes say from where."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_attempted_at", "email", "attempted_at"),
        Index("ix_login_attempts_ip_attempted_at", "ip", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str | None] = mapped_column(INET)
    succeeded: Mapped[bool]
    attempted_at: Mapped[datetime] = mapped_column(server_default=func.now())


class FormSubmission(db.Model):
    """An accepted submission of a public form (RSVP, volunteer sign-up), by client address:
    what throttles a bot filling the forms in a loop."""

    __tablename__ = "form_submissions"
    __table_args__ = (
        Index("ix_form_submissions_ip_form_submitted_at", "ip", "form", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form: Mapped[str] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(INET)
    submitted_at: Mapped[datetime] = mapped_column(server_default=func.now())
