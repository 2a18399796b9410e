"""Walk lists, their stops and people in walking order, who holds them, and the doors they hold."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db
from app.universes.models import HouseholdMode


class WalkListStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"  # closed by a director: its doors are free again
    EXPIRED = "expired"  # its expiry passed: the same


class WalkListKind(StrEnum):
    TURF = "turf"  # a turf x a universe
    NEAR = "near"  # the nearest un-knocked target doors to a point


class WalkList(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """A list of doors in walking order. The people on it are fixed when it is made (a later
    import does not reshuffle a list in a canvasser's hand); its progress is read live."""

    __tablename__ = "walk_lists"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: Short code a canvasser types (or scans as a QR code) to claim the list.
    code: Mapped[str] = mapped_column(String(12))
    kind: Mapped[WalkListKind] = mapped_column(text_enum(WalkListKind, "walk_list_kind"))
    status: Mapped[WalkListStatus] = mapped_column(
        text_enum(WalkListStatus, "walk_list_status"), server_default=WalkListStatus.ACTIVE.value
    )
    turf_id: Mapped[int | None] = mapped_column(ForeignKey("turfs.id"), index=True)
    universe_id: Mapped[int | None] = mapped_column(ForeignKey("universes.id", ondelete="SET NULL"))
    #: The universe's filter and household mode as they were when the list was made.
    filter: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    household_mode: Mapped[HouseholdMode] = mapped_column(
        text_enum(HouseholdMode, "household_mode"),
        server_default=HouseholdMode.PERSON.value,
    )
    #: Where a "near me" list starts.
    origin = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    door_count: Mapped[int] = mapped_column(server_default=text("0"))
    household_count: Mapped[int] = mapped_column(server_default=text("0"))
    people_count: Mapped[int] = mapped_column(server_default=text("0"))
    target_count: Mapped[int] = mapped_column(server_default=text("0"))
    route_length_m: Mapped[float] = mapped_column(server_default=text("0"))

    stops = relationship(
        "WalkListStop", order_by="WalkListStop.position", cascade="all, delete-orphan"
    )
    #: Who holds the list now (an unassigned canvasser's row stays, released: see below).
    assignments = relationship(
        "WalkListAssignment",
        primaryjoin="and_(WalkList.id == WalkListAssignment.walk_list_id,"
        " WalkListAssignment.released_at.is_(None))",
        cascade="all, delete-orphan",
    )

    __audit_values__ = ("name", "status", "expires_at")


class WalkListStop(OrganizationOwnedMixin, db.Model):
    """One home on the list (a household: an address and unit), in walking order."""

    __tablename__ = "walk_list_stops"
    __organization_index__ = False
    __table_args__ = (UniqueConstraint("walk_list_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_list_id: Mapped[int] = mapped_column(ForeignKey("walk_lists.id", ondelete="CASCADE"))
    position: Mapped[int]  # 1, 2, ... down the sheet
    door_number: Mapped[int]  # the building's place on the route: units of one share it
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))

    people = relationship(
        "WalkListPerson", order_by="WalkListPerson.position", cascade="all, delete-orphan"
    )


class WalkListPerson(OrganizationOwnedMixin, db.Model):
    """A person at a stop: a target, or somebody else living there (shown, not asked for)."""

    __tablename__ = "walk_list_people"
    __organization_index__ = False
    __table_args__ = (Index("ix_walk_list_people_person", "person_id"),)

    walk_list_id: Mapped[int] = mapped_column(
        ForeignKey("walk_lists.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    stop_id: Mapped[int] = mapped_column(
        ForeignKey("walk_list_stops.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    is_target: Mapped[bool]

    person = relationship("Person", lazy="joined")


class WalkListAssignment(OrganizationOwnedMixin, db.Model):
    """A canvasser holding a list: assigned by a director, or claimed with the list's code.
    Taking the list back sets ``released_at`` instead of deleting the row: knocks the
    canvasser recorded before then (offline, say) still sync."""

    __tablename__ = "walk_list_assignments"
    __organization_index__ = False

    walk_list_id: Mapped[int] = mapped_column(
        ForeignKey("walk_lists.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    assigned_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed: Mapped[bool] = mapped_column(server_default=text("false"))
    released_at: Mapped[datetime | None]

    user = relationship("User", foreign_keys=[user_id], lazy="joined")


class DoorCheckout(OrganizationOwnedMixin, db.Model):
    """An address held by one active list: the primary key is what keeps two live lists from
    sending two canvassers to one door. Released when the list closes or expires."""

    __tablename__ = "door_checkouts"
    __organization_index__ = False

    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"), primary_key=True)
    walk_list_id: Mapped[int] = mapped_column(
        ForeignKey("walk_lists.id", ondelete="CASCADE"), index=True
    )
    checked_out_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
