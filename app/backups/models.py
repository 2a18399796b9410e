"""The database's epochs: which life of the database this is, so phones can tell a restore."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class DatabaseEpoch(db.Model):
    """One life of the database. The first began with migration 0027; each restore begins
    another from the backup's time (``restored_from``). The newest row (highest id: a restore
    brings back the sequence with the rows, so its own row comes after them) is the current
    epoch; the rows before it are the lives this one descends from."""

    __tablename__ = "database_epochs"
    __table_args__ = (UniqueConstraint("epoch"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    epoch: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    #: The time of the backup (or of the point-in-time recovery) this life began from; None
    #: for the first.
    restored_from: Mapped[datetime | None]
    archive: Mapped[str | None] = mapped_column(String(200))  # the archive's file name
    started_at: Mapped[datetime] = mapped_column(server_default=func.now())
