"""Boundaries: precincts, wards, districts and any other area a campaign works in."""

from __future__ import annotations

from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import OrganizationOwnedMixin, TimestampMixin
from app.extensions import db


class Area(TimestampMixin, OrganizationOwnedMixin, db.Model):
    __tablename__ = "areas"
    __table_args__ = (
        UniqueConstraint("organization_id", "kind", "code"),
        Index("ix_areas_geom", "geom", postgresql_using="gist"),
    )

    # int4: people and addresses carry area ids in an integer[] (GIN-indexed).
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # precinct, ward, district, ...
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200), server_default="")
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))
    properties: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    import_job_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id"))
