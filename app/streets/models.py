"""Street centreline segments (split at intersections), some of them marked as barriers."""

from __future__ import annotations

from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import OrganizationOwnedMixin, TimestampMixin
from app.extensions import db


class Street(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """One segment. ``source_key`` is the file's own id (re-importing updates, never doubles);
    ``is_barrier`` marks arterials, rail or rivers that no turf may cross."""

    __tablename__ = "streets"
    __table_args__ = (
        UniqueConstraint("organization_id", "source_key"),
        Index("ix_streets_geom", "geom", postgresql_using="gist"),
    )
    __organization_index__ = False  # the unique constraint starts with it

    id: Mapped[int] = mapped_column(primary_key=True)
    source_key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120), server_default="")
    kind: Mapped[str] = mapped_column(String(30), server_default="street")
    is_barrier: Mapped[bool] = mapped_column(server_default=text("false"))
    geom = mapped_column(Geometry("LINESTRING", srid=4326, spatial_index=False))
    properties: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    import_job_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id"))
