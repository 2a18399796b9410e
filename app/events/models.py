"""Events (canvass launches, phone banks, rallies ...), their shifts, and sign-ups."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
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
    #: Seats go to confirmed people first: a public sign-up holds no seat (``pending``) until
    #: the person confirms it by the link sent to them (an anonymous form fills no seats).
    confirm_before_seat: Mapped[bool] = mapped_column(server_default=text("false"))

    shifts = relationship(
        "Shift", order_by="(Shift.starts_at, Shift.id)", cascade="all, delete-orphan"
    )
    #: A canvass launch's turfs: each volunteer who checks in is offered the next free list.
    turfs = relationship("Turf", secondary="event_turfs", order_by="Turf.name")

    __audit_values__ = ("name", "kind", "status", "visibility")


event_turfs = db.Table(
    "event_turfs",
    db.Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    db.Column("turf_id", ForeignKey("turfs.id", ondelete="CASCADE"), primary_key=True),
)


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
    #: Bumped when the times change: the reminders of each timing are decided afresh
    #: (``Reminder.sequence``), and those already due when it changed are skipped.
    timing: Mapped[int] = mapped_column(server_default=text("0"))
    retimed_at: Mapped[datetime | None]


class SignupStatus(StrEnum):
    PENDING = "pending"  # waits for the person to confirm by the link sent (holds no seat)
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
        UniqueConstraint("checkin_code"),
        Index("ix_signups_person_id", "person_id"),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    status: Mapped[SignupStatus] = mapped_column(text_enum(SignupStatus, "signup_status"))
    token: Mapped[str] = mapped_column(String(43))
    #: In the sign-up's QR code, scanned at the event's door (a kiosk holds the roster's
    #: codes to work offline, never the tokens that can cancel).
    checkin_code: Mapped[str] = mapped_column(String(12))
    source: Mapped[str] = mapped_column(String(20), server_default="public")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    status_changed_at: Mapped[datetime] = mapped_column(server_default=func.now())

    shift = relationship("Shift", lazy="joined")


class CheckInMethod(StrEnum):
    SCAN = "scan"  # the sign-up's QR code, at a kiosk (camera or hand scanner)
    SEARCH = "search"  # found by name at a kiosk
    WALK_IN = "walk_in"  # not signed up: added at the door
    SELF = "self"  # "I'm here" on their own phone, near the place or with the event's code
    ROSTER = "roster"  # marked attended by an organiser from the roster


class CheckIn(OrganizationOwnedMixin, db.Model):
    """A person at their shift: one per sign-up, however many times they are scanned.
    ``client_uuid`` is the device's id for the scan, so a kiosk's replay is applied once.
    Hours: check-in to check-out, or the shift's length when nobody checked them out."""

    __tablename__ = "check_ins"
    __table_args__ = (
        UniqueConstraint("signup_id"),
        UniqueConstraint("client_uuid"),
        Index("ix_check_ins_shift_id", "shift_id"),
        Index("ix_check_ins_person_id", "person_id"),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("signups.id", ondelete="CASCADE"))
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    method: Mapped[CheckInMethod] = mapped_column(text_enum(CheckInMethod, "check_in_method"))
    client_uuid: Mapped[uuid.UUID] = mapped_column(Uuid)
    device_id: Mapped[str] = mapped_column(String(80), server_default="")
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: At a canvass launch: the walk list handed to them as they checked in.
    walk_list_id: Mapped[int | None] = mapped_column(ForeignKey("walk_lists.id"))
    #: At a phone bank: the call list handed to them as they checked in.
    call_list_id: Mapped[int | None] = mapped_column(ForeignKey("call_lists.id"))
    #: When it happened (the device's clock, kept within the shift's day).
    checked_in_at: Mapped[datetime]
    checked_out_at: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ReminderStage(StrEnum):
    DAY_BEFORE = "day_before"  # with confirm and cancel links
    MORNING_OF = "morning_of"
    SOON = "soon"  # 30 minutes before, by text
    AFTER = "after"  # thanks and feedback, to those who came
    CHANGED = "changed"  # the event moved, changed place or was cancelled


class ReminderStatus(StrEnum):
    PENDING = "pending"  # a change notice waiting for quiet hours to end
    SENT = "sent"
    SKIPPED = "skipped"


class Reminder(OrganizationOwnedMixin, db.Model):
    """One message of a sign-up's sequence, decided once: sent (with its outbox rows, in the
    same transaction) or skipped with the reason. The unique key is what makes a stage go out
    once however many workers run; ``sequence`` numbers the change notices, and is the shift's
    ``timing`` for the other stages."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("signup_id", "stage", "sequence"),
        Index("ix_reminders_pending_due_at", "due_at", postgresql_where=text("status = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("signups.id", ondelete="CASCADE"))
    stage: Mapped[ReminderStage] = mapped_column(text_enum(ReminderStage, "reminder_stage"))
    sequence: Mapped[int] = mapped_column(server_default=text("0"))
    status: Mapped[ReminderStatus] = mapped_column(text_enum(ReminderStatus, "reminder_status"))
    #: Why it was skipped: missed, quiet_hours, no_channel, cancelled, not_attended ...
    reason: Mapped[str] = mapped_column(String(40), server_default="")
    #: What changed (change notices): place, time_zone, cancelled ...
    changes: Mapped[list[str]] = mapped_column(
        ARRAY(String(40)), server_default=text("'{}'::varchar[]")
    )
    message_ids: Mapped[list[int]] = mapped_column(
        ARRAY(BigInteger), server_default=text("'{}'::bigint[]")
    )
    due_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
