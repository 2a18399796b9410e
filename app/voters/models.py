"""The state file's view of people: homes, registrations, elections and votes."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import OrganizationOwnedMixin, TimestampMixin
from app.extensions import db


class GeocodeSource(StrEnum):
    FILE = "file"  # coordinates carried by the voter file
    ADDRESS_POINT = "address_point"  # matched to an imported address-point layer
    MANUAL = "manual"  # a pin placed by a director


class VoteMethod(StrEnum):
    POLLS = "polls"
    ABSENTEE = "absentee"
    MAIL = "mail"
    PROVISIONAL = "provisional"
    EARLY = "early"
    UNKNOWN = "unknown"


# Person.vote_codes holds election_id * 8 + this code, so "voted in k of these elections (by
# these methods)" is one intarray intersection per row.
VOTE_METHOD_CODES = {method: code for code, method in enumerate(VoteMethod)}


class Address(OrganizationOwnedMixin, db.Model):
    """A residential address (a building), with where it is. Units live on households."""

    __tablename__ = "addresses"
    __table_args__ = (
        UniqueConstraint(
            "organization_id",
            "house_number",
            "house_number_suffix",
            "street",
            "zip",
            name="uq_addresses_key",
        ),
        Index("ix_addresses_point", "point", postgresql_using="gist"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    house_number: Mapped[str] = mapped_column(String(20))
    house_number_suffix: Mapped[str] = mapped_column(String(10), server_default="")
    street: Mapped[str] = mapped_column(String(120))  # normalised: "S 59TH ST"
    city: Mapped[str] = mapped_column(String(80), server_default="")
    state: Mapped[str] = mapped_column(String(2), server_default="")
    zip: Mapped[str] = mapped_column(String(5), server_default="")
    point = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=True)
    geocode_source: Mapped[str | None] = mapped_column(String(20))
    geocode_quality: Mapped[str | None] = mapped_column(String(20))
    # Areas whose polygon holds the point (kept in step with the point).
    area_ids: Mapped[list[int]] = mapped_column(
        ARRAY(Integer), server_default=text("'{}'::integer[]")
    )

    @property
    def line(self) -> str:
        return f"{self.house_number}{self.house_number_suffix} {self.street}".strip()


class Household(OrganizationOwnedMixin, db.Model):
    """One door to knock: an address plus a unit ('' for a house)."""

    __tablename__ = "households"
    __table_args__ = (UniqueConstraint("address_id", "unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"))
    unit: Mapped[str] = mapped_column(String(40), server_default="")

    address: Mapped[Address] = relationship(lazy="joined")


class Registration(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """One row of a state voter file, matched to its person by the state's key."""

    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("organization_id", "state", "state_key"),)
    __organization_index__ = False  # the unique key starts with it

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    state: Mapped[str] = mapped_column(String(2))
    state_key: Mapped[str] = mapped_column(String(40))
    county: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str | None] = mapped_column(String(20))  # the state's own code (A, CONFIRMATION)
    party: Mapped[str | None] = mapped_column(String(10))
    registered_on: Mapped[date | None] = mapped_column(Date)
    status_changed_on: Mapped[date | None] = mapped_column(Date)
    last_voted_on: Mapped[date | None] = mapped_column(Date)
    precinct_code: Mapped[str | None] = mapped_column(String(20), index=True)
    precinct_split: Mapped[str | None] = mapped_column(String(20))
    districts: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    confidential: Mapped[bool] = mapped_column(server_default=text("false"))
    # False once a newer full file no longer lists this voter; the person is never deleted.
    on_file: Mapped[bool] = mapped_column(server_default=text("true"))
    removed_at: Mapped[datetime | None]
    # Plain ids (jobs are never deleted): no per-row foreign-key check on a bulk insert.
    first_import_job_id: Mapped[int | None]
    last_import_job_id: Mapped[int | None]
    # md5 of the file's fields for this voter: a re-import touches only rows that changed.
    source_hash: Mapped[str | None] = mapped_column(String(32))


class Election(OrganizationOwnedMixin, db.Model):
    __tablename__ = "elections"
    __table_args__ = (UniqueConstraint("organization_id", "name", "held_on"),)

    # int4 on purpose: Person.vote_codes is an intarray of election_id * 8 + method.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    held_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))  # general, primary, municipal, special


class Vote(OrganizationOwnedMixin, db.Model):
    """One vote cast. About ten per voter, so a million-voter file writes ten million rows:
    the table has its primary key and nothing else (no foreign keys, no other index). Only
    the import and merge write it, and they keep it consistent with registrations."""

    __tablename__ = "votes"
    __organization_index__ = False
    __organization_fk__ = False

    registration_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    election_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    method: Mapped[str] = mapped_column(String(12))
    ballot_party: Mapped[str | None] = mapped_column(String(10))


class AddressPoint(OrganizationOwnedMixin, db.Model):
    """An address-point layer (OpenAddresses layout) used to place addresses without a point."""

    __tablename__ = "address_points"
    __table_args__ = (
        Index("ix_address_points_match", "organization_id", "house_number", "street", "zip"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    house_number: Mapped[str] = mapped_column(String(20))
    street: Mapped[str] = mapped_column(String(120))
    unit: Mapped[str] = mapped_column(String(40), server_default="")
    city: Mapped[str] = mapped_column(String(80), server_default="")
    zip: Mapped[str] = mapped_column(String(5), server_default="")
    point = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    import_job_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id"))
    loaded_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
