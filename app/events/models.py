"""Events (canvass launches, phone banks, rallies ...), their shifts, and sign-ups."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from geoalchemy2 import Geometry
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db


class EventKind(StrEnum):
    CANVASS_LAUNCH = "canvass_launch"
    PHONE_BANK = "phone_bank"
    RALLY = "rally"
    TOWN_HALL = "town_hall"
    TRAINING = "training"
    HOUSE_PARTY = "house_party"


class Visibility(StrEnum):
    PUBLIC = "public"  # anyone with the link; on the public event page
    VOLUNTEERS = "volunteers"  # signed-in users of the campaign
    STAFF = "staff"  # those who manage events


class EventStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Event(TimestampMixin, OrganizationOwnedMixin, db.Model):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: In the public link (/events/CODE): not guessable from the id.
    code: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EventKind] = mapped_column(text_enum(EventKind, "event_kind"))
    description: Mapped[str] = mapped_column(Text, server_default="")
    time_zone: Mapped[str] = mapped_column(String(64))
    place_name: Mapped[str] = mapped_column(String(200), server_default="")
    address: Mapped[str] = mapped_column(String(300), server_default="")
    point = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    online_url: Mapped[str] = mapped_column(String(500), server_default="")
    visibility: Mapped[Visibility] = mapped_column(
        text_enum(Visibility, "event_visibility"), server_default=Visibility.PUBLIC.value
    )
    status: Mapped[EventStatus] = mapped_column(
        text_enum(EventStatus, "event_status"), server_default=EventStatus.SCHEDULED.value
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    shifts = relationship(
        "Shift", order_by="(Shift.starts_at, Shift.id)", cascade="all, delete-orphan"
    )

    __audit_values__ = ("name", "kind", "status", "visibility")


class Shift(OrganizationOwnedMixin, db.Model):
    """A time slot of an event for one role ("canvasser 10-12"), with room for so many."""

    __tablename__ = "shifts"
    __table_args__ = (Index("ix_shifts_event_id_starts_at", "event_id", "starts_at"),)
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    role: Mapped[str] = mapped_column(String(60), server_default="volunteer")
    #: Seats; None: no limit.
    capacity: Mapped[int | None]
    #: Full: later sign-ups wait for a seat (else they are refused).
    has_waitlist: Mapped[bool] = mapped_column(server_default=text("true"))
    walk_ins: Mapped[bool] = mapped_column(server_default=text("true"))


class SignupStatus(StrEnum):
    REGISTERED = "registered"
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    COMPLETED = "completed"  # attended
    NO_SHOW = "no_show"


#: The statuses that take a seat.
SEATED = (SignupStatus.REGISTERED, SignupStatus.CONFIRMED, SignupStatus.COMPLETED)


class Signup(OrganizationOwnedMixin, db.Model):
    """A person on a shift. ``token`` is in the links of their messages (cancel, calendar):
    whoever holds it may act for them on this sign-up only."""

    __tablename__ = "signups"
    __table_args__ = (
        UniqueConstraint("shift_id", "person_id"),
        UniqueConstraint("token"),
        Index("ix_signups_person_id", "person_id"),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    status: Mapped[SignupStatus] = mapped_column(text_enum(SignupStatus, "signup_status"))
    token: Mapped[str] = mapped_column(String(43))
    source: Mapped[str] = mapped_column(String(20), server_default="public")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    status_changed_at: Mapped[datetime] = mapped_column(server_default=func.now())

    shift = relationship("Shift", lazy="joined")
