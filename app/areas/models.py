"""Boundaries: precincts, wards, districts and any other area a campaign works in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, func, text
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


class PollingPlace(OrganizationOwnedMixin, db.Model):
    """Where the voters of a precinct vote (the county's list, loaded by the campaign): the
    ``polling_place`` merge field, and what a canvasser tells a voter on election day."""

    __tablename__ = "polling_places"
    __table_args__ = (UniqueConstraint("organization_id", "precinct_code"),)
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    #: As registrations carry it (``registrations.precinct_code``).
    precinct_code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    #: Accessibility, the entrance to use, hours when they differ.
    notes: Mapped[str] = mapped_column(String(500), server_default="")
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
