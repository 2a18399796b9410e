"""Mail drops (one piece name, vendor, date, cost), their pieces (one envelope to a household
or a person, with its code), and the mailing addresses people gave apart from their home."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db


class MailDropStatus(StrEnum):
    DRAFT = "draft"  # pieces chosen, file for the mail house; not in anybody's history yet
    MAILED = "mailed"  # dropped: a ``mail`` interaction for every recipient


class MailDrop(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """One piece sent to a universe on one day by one vendor."""

    __tablename__ = "mail_drops"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))  # the piece: "GOTV postcard 3"
    status: Mapped[MailDropStatus] = mapped_column(
        text_enum(MailDropStatus, "mail_drop_status"), server_default=MailDropStatus.DRAFT.value
    )
    universe_id: Mapped[int | None] = mapped_column(ForeignKey("universes.id", ondelete="SET NULL"))
    filter: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    per_household: Mapped[bool] = mapped_column(server_default=text("true"))
    #: Each piece carries a personal short code (and its QR code).
    with_codes: Mapped[bool] = mapped_column(server_default=text("true"))
    #: Where a piece's code leads: one of the campaign's own pages, or an admin's destination.
    path: Mapped[str | None] = mapped_column(String(500))
    destination_id: Mapped[int | None] = mapped_column(
        ForeignKey("link_destinations.id", ondelete="RESTRICT")
    )
    vendor: Mapped[str] = mapped_column(String(120), server_default="")
    mailed_on: Mapped[date | None] = mapped_column(Date)
    cost_cents: Mapped[int | None] = mapped_column(BigInteger)
    #: Pieces that went (set when mailed: suppressions since the draft are left out).
    quantity: Mapped[int] = mapped_column(server_default=text("0"))
    #: Recipients (people) whose history has it.
    recipients: Mapped[int] = mapped_column(server_default=text("0"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __audit_values__ = ("name", "status", "vendor", "mailed_on", "cost_cents", "quantity")


class MailPiece(OrganizationOwnedMixin, db.Model):
    """One envelope: to a household (its people in the universe) or to one person. Names and
    the address are read when the file is written, so a suppression since leaves them out."""

    __tablename__ = "mail_pieces"
    __table_args__ = (UniqueConstraint("code"), Index("ix_mail_pieces_drop_id", "drop_id"))
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    drop_id: Mapped[int] = mapped_column(ForeignKey("mail_drops.id", ondelete="CASCADE"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"))
    #: The recipients, the addressee first.
    person_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    code: Mapped[str | None] = mapped_column(String(12))
    visits: Mapped[int] = mapped_column(server_default=text("0"))
    first_visited_at: Mapped[datetime | None]


class MailingAddress(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """Where a person wants post (a P.O. box, a student's home address): preferred over their
    home in every mail file."""

    __tablename__ = "mailing_addresses"
    __table_args__ = (UniqueConstraint("person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    line1: Mapped[str] = mapped_column(String(120))
    line2: Mapped[str] = mapped_column(String(120), server_default="")
    city: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(10))

    __audit_values__ = ("line1", "line2", "city", "state", "zip")
