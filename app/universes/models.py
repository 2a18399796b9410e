"""Universes: saved, re-runnable searches over the campaign's people."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, BIT
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db


class HouseholdMode(StrEnum):
    PERSON = "person"  # every matching person
    ONE_PER_HOUSEHOLD = "one_per_household"  # one matching person per door
    WHOLE_HOUSEHOLD = "whole_household"  # everyone at a door where someone matches


class Universe(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """A named filter (see ``app.universes.filters``); the people are found again on every run."""

    __tablename__ = "universes"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, server_default="")
    filter: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    household_mode: Mapped[HouseholdMode] = mapped_column(
        text_enum(HouseholdMode, "household_mode"), server_default=HouseholdMode.PERSON.value
    )
    # Shared with the campaign, or seen by its creator only.
    is_shared: Mapped[bool] = mapped_column(server_default=text("true"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    # The filter itself is listed as "changed" only: a drawn polygon can be large.
    __audit_values__ = ("name", "description", "household_mode", "is_shared")

    def is_visible_to(self, user_id: int) -> bool:
        return self.is_shared or self.created_by_id == user_id


class TargetingBuild(OrganizationOwnedMixin, db.Model):
    """When a campaign's targeting sets were last built (app.universes.targeting_build), and
    their layout: ``layer_sizes[n]`` is how many doors have an (n+1)-th person."""

    __tablename__ = "targeting_builds"
    __organization_index__ = False  # the primary key

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    people: Mapped[int] = mapped_column(Integer)
    layer_sizes: Mapped[list[int]] = mapped_column(ARRAY(Integer))
    seconds: Mapped[float]
    built_at: Mapped[datetime] = mapped_column(server_default=func.now())


class TargetingSet(OrganizationOwnedMixin, db.Model):
    """The people who have ``key`` ("party:D", "vote:123", "reachable" ...), one bit each,
    in the build's layout: a count is bit-string algebra over these."""

    __tablename__ = "targeting_sets"
    __organization_index__ = False  # the primary key

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    bits: Mapped[str] = mapped_column(BIT(varying=True))


class TargetingCell(OrganizationOwnedMixin, db.Model):
    """A row of doors in the build's numbering: ``doors`` doors of ``size`` people each, from
    ``first_door``, all in grid ``cell`` (app.people.grid)."""

    __tablename__ = "targeting_cells"
    __organization_index__ = False  # the primary key

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    cell: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    first_door: Mapped[int] = mapped_column(Integer, primary_key=True)
    doors: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)


class TargetingPlace(OrganizationOwnedMixin, db.Model):
    """A person's bit ``position`` with their own point, for the edges of a drawn polygon;
    ``stray``: not in their door's cell."""

    __tablename__ = "targeting_places"
    __table_args__ = (
        Index("ix_targeting_places_organization_id_cell", "organization_id", "cell"),
        # Strays are found in the polygon's inner cells too, where nobody else is read.
        Index(
            "ix_targeting_places_strays", "organization_id", "cell", postgresql_where=text("stray")
        ),
    )
    __organization_index__ = False  # the primary key

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    cell: Mapped[int] = mapped_column(BigInteger)
    stray: Mapped[bool]
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=False)


class TargetingChange(OrganizationOwnedMixin, db.Model):
    """A write of people (one row per statement and campaign), logged by a trigger (migration
    0038); while one is visible, counts read people itself. A build deletes those it saw."""

    __tablename__ = "targeting_changes"
    __organization_index__ = False  # the primary key
    __organization_fk__ = False  # appended by a trigger on every write of people

    organization_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    changed_at: Mapped[datetime] = mapped_column(server_default=func.now())
