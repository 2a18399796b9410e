"""Call lists: the people of a universe with a number to call, the callers who hold a list,
who is being called right now (a claim that lapses), and each call as the phone recorded it."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db
from app.knocks.models import KnockStatus


class CallListStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"  # closed by an organiser: its people are free for other lists
    EXPIRED = "expired"  # its expiry passed: the same


class CallList(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """People to call, shared by every caller who holds the list: each is handed the next
    person nobody is calling. The people are fixed when the list is made; whether each may
    still be called (do-not-call, a wrong number, calling hours) is read at every hand-out."""

    __tablename__ = "call_lists"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: Short code a caller types (or opens as a link) to claim the list.
    code: Mapped[str] = mapped_column(String(12))
    status: Mapped[CallListStatus] = mapped_column(
        text_enum(CallListStatus, "call_list_status"), server_default=CallListStatus.ACTIVE.value
    )
    universe_id: Mapped[int | None] = mapped_column(ForeignKey("universes.id", ondelete="SET NULL"))
    #: The universe's filter as it was when the list was made.
    filter: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    #: One person per household (the first with a number to call).
    per_household: Mapped[bool] = mapped_column(server_default=text("false"))
    #: The script callers read (None: the campaign's default script).
    script_id: Mapped[int | None] = mapped_column(ForeignKey("scripts.id", ondelete="SET NULL"))
    #: The phone bank (an event) whose checked-in volunteers are handed this list.
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    #: Every time zone its people are in (which of them are within calling hours now).
    zones: Mapped[list[str]] = mapped_column(
        ARRAY(String(40)), server_default=text("'{}'::varchar[]")
    )
    expires_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    people_count: Mapped[int] = mapped_column(server_default=text("0"))

    #: Who holds the list now (a released caller's row stays: see CallListAssignment).
    assignments = relationship(
        "CallListAssignment",
        primaryjoin="and_(CallList.id == CallListAssignment.call_list_id,"
        " CallListAssignment.released_at.is_(None))",
        cascade="all, delete-orphan",
    )

    __audit_values__ = ("name", "status", "expires_at")


class CallListPerson(OrganizationOwnedMixin, db.Model):
    """A person on a list, the number to call them on, and the claim on them: a caller holds
    them until ``held_until`` (then they go back to the pool), and a result ends them."""

    __tablename__ = "call_list_people"
    __organization_index__ = False
    __table_args__ = (
        UniqueConstraint("call_list_id", "position"),
        Index("ix_call_list_people_person_id", "person_id"),
    )

    call_list_id: Mapped[int] = mapped_column(
        ForeignKey("call_lists.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int]
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    phone_id: Mapped[int | None] = mapped_column(
        ForeignKey("person_phones.id", ondelete="SET NULL")
    )
    #: The time zones the person may be in (the number's, their address's): calling hours
    #: must hold in every one of them.
    zones: Mapped[list[str]] = mapped_column(
        ARRAY(String(40)), server_default=text("'{}'::varchar[]")
    )
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None]
    #: Nobody else is handed the person before this (a claim, or a result on its way).
    held_until: Mapped[datetime | None]
    #: The caller's phone says it has the result queued (offline, perhaps): held longer.
    result_queued_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    #: The last result on this list (a wrong number with another number left is not final).
    result: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(server_default=text("0"))


class CallListAssignment(OrganizationOwnedMixin, db.Model):
    """A caller holding a list: assigned, claimed with its code, or handed at a phone bank's
    check-in. Taking it back sets ``released_at``: calls made before still sync."""

    __tablename__ = "call_list_assignments"
    __organization_index__ = False

    call_list_id: Mapped[int] = mapped_column(
        ForeignKey("call_lists.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    assigned_at: Mapped[datetime] = mapped_column(server_default=text("now()"))
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed: Mapped[bool] = mapped_column(server_default=text("false"))
    released_at: Mapped[datetime | None]


class CallCheckout(OrganizationOwnedMixin, db.Model):
    """A person held by one active call list: the primary key keeps two live lists from
    handing one person to two callers. Released when the list closes or expires."""

    __tablename__ = "call_checkouts"
    __organization_index__ = False

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    call_list_id: Mapped[int] = mapped_column(
        ForeignKey("call_lists.id", ondelete="CASCADE"), index=True
    )
    checked_out_at: Mapped[datetime] = mapped_column(server_default=text("now()"))


class Call(OrganizationOwnedMixin, db.Model):
    """One call as the caller's phone recorded it, appended once per client UUID. A dialer
    (none yet) attaches its own call id and the duration to the same row later."""

    __tablename__ = "calls"
    __table_args__ = (
        UniqueConstraint("client_uuid"),
        Index("ix_calls_call_list_id_user_id", "call_list_id", "user_id"),
        Index("ix_calls_person_id", "person_id"),
        Index(
            "ix_calls_dialer_call_id",
            "organization_id",
            "dialer",
            "dialer_call_id",
            unique=True,
            postgresql_where=text("dialer_call_id IS NOT NULL"),
        ),
    )
    __organization_index__ = False  # ix_calls_dialer_call_id starts with it

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    sync_batch_id: Mapped[int | None] = mapped_column(ForeignKey("sync_batches.id"), index=True)
    call_list_id: Mapped[int] = mapped_column(ForeignKey("call_lists.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    phone_id: Mapped[int | None] = mapped_column(
        ForeignKey("person_phones.id", ondelete="SET NULL")
    )
    #: The number dialled, E.164 (kept when the person's phone row goes).
    number: Mapped[str] = mapped_column(String(20), server_default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    result: Mapped[str] = mapped_column(String(40))
    is_contact: Mapped[bool] = mapped_column(server_default=text("false"))
    notes: Mapped[str] = mapped_column(Text, server_default="")
    #: When it happened: the phone's clock, unless that clock was off (``clock_skewed``).
    occurred_at: Mapped[datetime]
    client_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())
    server_at: Mapped[datetime | None]
    clock_skewed: Mapped[bool] = mapped_column(server_default=text("false"))
    device_id: Mapped[str] = mapped_column(String(80), server_default="")
    #: Seconds on the line, when something measured them (the caller's phone, a dialer).
    duration_s: Mapped[int | None]
    #: A dialer's name and its id for the call, attached by the dialer ("" and None: none).
    dialer: Mapped[str] = mapped_column(String(40), server_default="")
    dialer_call_id: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[KnockStatus] = mapped_column(
        text_enum(KnockStatus, "knock_status"), server_default=KnockStatus.APPLIED.value
    )
    #: What the phone sent, as sent.
    record: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
