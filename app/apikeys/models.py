"""API keys: how an integration (a Parsons script, a sync job) acts for a campaign."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import OrganizationOwnedMixin
from app.extensions import db


class ApiScope(StrEnum):
    """What a key may do. People covers their tags and lists; canvassing covers questions,
    answers, scripts, canvassing efforts and canvasses."""

    PEOPLE_READ = "people.read"
    PEOPLE_WRITE = "people.write"
    EVENTS_READ = "events.read"
    EVENTS_WRITE = "events.write"
    DONATIONS_READ = "donations.read"
    DONATIONS_WRITE = "donations.write"
    CANVASSING_READ = "canvassing.read"
    CANVASSING_WRITE = "canvassing.write"


class ApiKey(OrganizationOwnedMixin, db.Model):
    """One key. Only a hash of the secret is kept (the secret is shown once, at creation);
    ``prefix`` (the secret's first characters) lets an admin tell keys apart."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default=text("'{}'"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    __audit_values__ = ("name", "scopes", "expires_at", "revoked_at")

    def status_at(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"
