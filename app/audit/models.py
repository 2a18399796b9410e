"""The audit record. Rows are never updated or deleted (a database trigger refuses both)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, func, text
from sqlalchemy.dialects.postgresql import INET
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_organization_id_created_at", "organization_id", "created_at"),
        # NOT VALID in the database (migration 0015): rows written before it stay as written.
        CheckConstraint("jsonb_typeof(changes) = 'object'", name="changes_object"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Null only for events outside any campaign (e.g. a failed login for an unknown email).
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(80), index=True)
    entity_type: Mapped[str | None] = mapped_column(String(60))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    changes: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    request_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(INET)
    user_agent: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    @property
    def changes_object(self) -> dict[str, Any]:
        """``changes`` as an object, also for rows written before changes had to be one (a
        list of field names then): those read as ``{"items": [...]}``."""
        if isinstance(self.changes, dict):
            return self.changes
        if isinstance(self.changes, list):
            return {"items": self.changes}
        return {"value": self.changes}
