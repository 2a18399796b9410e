"""What happened at the doors: each knock as the phone recorded it, the notes left about a
place, and the result codes a campaign records them with."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import OrganizationOwnedMixin, text_enum
from app.extensions import db


class ResultEffect(StrEnum):
    """What a result does beyond the knock itself (sticky: every later list honours it)."""

    NONE = "none"
    MOVED = "moved"  # the person no longer lives at the address
    DECEASED = "deceased"  # suppressed everywhere
    DO_NOT_CONTACT = "do_not_contact"  # hostile: never knocked, called or texted again
    WRONG_ADDRESS = "wrong_address"  # the address is bad for this person (as moved)
    WRONG_NUMBER = "wrong_number"  # the number called does not reach this person
    DISCONNECTED = "disconnected"  # the number called reaches nobody: bad for all who have it
    DO_NOT_CALL = "do_not_call"  # never called again (knocked and texted still)


class ResultCode(OrganizationOwnedMixin, db.Model):
    """A door or person result (Canvassed, Not Home ...); each campaign trims its own list."""

    __tablename__ = "result_codes"
    __table_args__ = (UniqueConstraint("organization_id", "code"),)
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))  # stable, in the API: "not_home"
    label: Mapped[str] = mapped_column(String(80))
    label_es: Mapped[str] = mapped_column(String(80), server_default="")
    #: We spoke to somebody (counts toward the contact rate).
    is_contact: Mapped[bool] = mapped_column(server_default=text("false"))
    effect: Mapped[ResultEffect] = mapped_column(
        text_enum(ResultEffect, "result_effect"), server_default=ResultEffect.NONE.value
    )
    position: Mapped[int] = mapped_column(server_default=text("0"))
    is_active: Mapped[bool] = mapped_column(server_default=text("true"))
    #: The campaign's VAN result id, for the export to VAN (unset: not exported).
    van_result_id: Mapped[int | None]
    #: Where callers and canvassers are offered it: "door", "phone" (Busy is no door result).
    channels: Mapped[list[str]] = mapped_column(
        ARRAY(String(10)), server_default=text("'{door,phone}'::varchar[]")
    )

    __audit_values__ = ("code", "label", "is_contact", "effect", "is_active", "channels")


class KnockStatus(StrEnum):
    APPLIED = "applied"  # in the people's histories
    HELD = "held"  # a director is checking it: out of the histories until released
    ROLLED_BACK = "rolled_back"  # a director undid it; the record and the undo both stay


class DoorKnock(OrganizationOwnedMixin, db.Model):
    """One visit to one home as the phone recorded it. Appended once per client UUID, however
    often the phone sends it; the people's interactions are made from it."""

    __tablename__ = "door_knocks"
    __table_args__ = (
        UniqueConstraint("client_uuid"),
        Index("ix_door_knocks_walk_list_id", "walk_list_id"),
        Index("ix_door_knocks_user_id_occurred_at", "user_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    sync_batch_id: Mapped[int | None] = mapped_column(ForeignKey("sync_batches.id"), index=True)
    walk_list_id: Mapped[int] = mapped_column(ForeignKey("walk_lists.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    #: The result for the whole door (Not Home), or None when each person has their own.
    result: Mapped[str | None] = mapped_column(String(40))
    is_contact: Mapped[bool] = mapped_column(server_default=text("false"))
    notes: Mapped[str] = mapped_column(Text, server_default="")
    #: When it happened: the phone's clock, unless that clock was off (see ``clock_skewed``).
    occurred_at: Mapped[datetime]
    client_at: Mapped[datetime]
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())
    #: ``client_at`` on our clock: corrected by the phone's offset at the sync (as the phone
    #: said when it did not send its clock).
    server_at: Mapped[datetime | None]
    clock_skewed: Mapped[bool] = mapped_column(server_default=text("false"))
    device_id: Mapped[str] = mapped_column(String(80), server_default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    #: Metres from the phone to the door's point (None without GPS or a point).
    distance_m: Mapped[float | None]
    status: Mapped[KnockStatus] = mapped_column(
        text_enum(KnockStatus, "knock_status"), server_default=KnockStatus.APPLIED.value
    )
    #: What the phone sent, as sent (people's results, answers, place notes, new people).
    record: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    #: Keyed back from a paper walk sheet by this user (None: recorded in the app). Its times
    #: are the sheet's, not the doors': the fraud signs read only the app's knocks.
    keyed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The canvasser as written on a keyed sheet when they have no account (``user_id`` is
    #: then the keyer's, and the knock is nobody's door activity).
    canvasser_name: Mapped[str] = mapped_column(String(120), server_default="")


class PlaceNoteKind(StrEnum):
    DOG = "dog"
    GATED = "gated"
    NO_TRESPASSING = "no_trespassing"
    SAFE_HOURS = "safe_hours"
    OTHER = "other"


class NoteScope(StrEnum):
    """What a place note is about: the whole address, or the one home it was made at."""

    BUILDING = "building"
    HOME = "home"


class PlaceNote(OrganizationOwnedMixin, db.Model):
    """A note about the place, not a person (dog, gated, no-trespassing sign, safe hours):
    later lists show it at that door. In a building it is about the whole building
    (``household_id`` empty) or about one home in it (a dog behind the door of 3B)."""

    __tablename__ = "place_notes"
    __table_args__ = (Index("ix_place_notes_address_id", "address_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.id"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    kind: Mapped[PlaceNoteKind] = mapped_column(text_enum(PlaceNoteKind, "place_note_kind"))
    text: Mapped[str] = mapped_column(String(500), server_default="")
    door_knock_id: Mapped[int | None] = mapped_column(ForeignKey("door_knocks.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
