"""Cuts, turfs and the doors (addresses) each turf holds."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db


class TurfStatus(StrEnum):
    ACTIVE = "active"
    RETIRED = "retired"  # re-cut or merged away; kept for the lists and history that name it


class TurfCut(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """One committed cut: what was asked (area, target, options) and how good it came out."""

    __tablename__ = "turf_cuts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    target: Mapped[int]
    options: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    metrics: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    area = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Turf(TimestampMixin, OrganizationOwnedMixin, db.Model):
    __tablename__ = "turfs"
    __table_args__ = (Index("ix_turfs_geom", "geom", postgresql_using="gist"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[TurfStatus] = mapped_column(
        text_enum(TurfStatus, "turf_status"), server_default=TurfStatus.ACTIVE.value
    )
    cut_id: Mapped[int | None] = mapped_column(ForeignKey("turf_cuts.id"), index=True)
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))
    # At the last change: stops (buildings), and the weight the cut balanced (target homes).
    door_count: Mapped[int] = mapped_column(server_default=text("0"))
    target_count: Mapped[int] = mapped_column(server_default=text("0"))
    metrics: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    #: The volunteer leader of the turf (the ``turf_captain`` merge field for its voters).
    captain_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    doors = relationship("TurfDoor", back_populates="turf", cascade="all, delete-orphan")
    captain = relationship("User", lazy="joined", viewonly=True)


class TurfDoor(OrganizationOwnedMixin, db.Model):
    """An address in an active turf; an address is in one active turf at most."""

    __tablename__ = "turf_doors"
    __organization_index__ = False

    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"), primary_key=True)
    turf_id: Mapped[int] = mapped_column(ForeignKey("turfs.id", ondelete="CASCADE"), index=True)
    weight: Mapped[int] = mapped_column(server_default=text("0"))
    #: A knock that stands at the door since its turf was made. Kept by triggers on the knocks
    #: and on this table (migration 0050_turf_doors_knocked), never written here.
    knocked: Mapped[bool] = mapped_column(server_default=text("false"))

    turf = relationship("Turf", back_populates="doors")
