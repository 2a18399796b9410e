"""Fundraising work on top of the money ledger: the campaign's message templates, what was sent
to thank donors and ask for missing details (email, or letters printed in batches), pledges
made on calls, and goals the money is measured against."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db


class FundraisingSettings(TimestampMixin, db.Model):
    """One campaign's thank-you and best-efforts messages (Jinja2 text, sandboxed) and its ask
    ladder. The "not tax deductible" and "Paid for by" lines are added by code, never by a
    template, so editing one cannot drop them."""

    __tablename__ = "fundraising_settings"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), primary_key=True
    )
    receipts_enabled: Mapped[bool] = mapped_column(server_default=text("true"))
    #: Gifts received longer ago than this are not thanked automatically (an old file loaded).
    thank_within_days: Mapped[int] = mapped_column(SmallInteger, server_default="30")
    thank_you_subject: Mapped[str | None] = mapped_column(String(200))
    thank_you_body: Mapped[str | None] = mapped_column(Text)
    info_request_subject: Mapped[str | None] = mapped_column(String(200))
    info_request_body: Mapped[str | None] = mapped_column(Text)
    #: The ask of someone with no gift on record.
    default_ask_cents: Mapped[int] = mapped_column(BigInteger, server_default="10000")
    #: How far above the highest previous gift the ask goes, in percent.
    ask_raise_percent: Mapped[int] = mapped_column(SmallInteger, server_default="50")

    __audit_values__ = (
        "receipts_enabled",
        "thank_within_days",
        "thank_you_subject",
        "info_request_subject",
        "default_ask_cents",
        "ask_raise_percent",
    )


class AcknowledgementKind(StrEnum):
    THANK_YOU = "thank_you"
    INFO_REQUEST = "info_request"  # best efforts: employer and occupation
    # Excess contributions (app.fundraising.cures): the donor is asked to choose a cure, and
    # told of the one made, with the offer of a refund where the law requires it.
    EXCESS_REQUEST = "excess_request"
    REDESIGNATION_NOTICE = "redesignation_notice"  # 11 CFR 110.1(b)(5)(ii)(B)
    REATTRIBUTION_NOTICE = "reattribution_notice"  # 11 CFR 110.1(k)(3)(ii)(B)
    REFUND_NOTICE = "refund_notice"  # 11 CFR 103.3(b)(3)


#: Notices the law requires: they go on paper to a person who asked not to be contacted (the
#: email still honours their opt-out), and need no consent to campaign email.
COMPLIANCE_KINDS = frozenset(
    {
        AcknowledgementKind.EXCESS_REQUEST,
        AcknowledgementKind.REDESIGNATION_NOTICE,
        AcknowledgementKind.REATTRIBUTION_NOTICE,
        AcknowledgementKind.REFUND_NOTICE,
    }
)


class AcknowledgementChannel(StrEnum):
    EMAIL = "email"
    LETTER = "letter"


class LetterBatch(OrganizationOwnedMixin, db.Model):
    """Letters printed together (thank-yous for checks, requests to donors with no email)."""

    __tablename__ = "letter_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_count: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Acknowledgement(OrganizationOwnedMixin, db.Model):
    """One message about one contribution: an email queued in the outbox, or a letter waiting
    for (or printed in) a batch. At most one per gift, kind and channel: the same gift is
    never thanked twice."""

    __tablename__ = "acknowledgements"
    __table_args__ = (
        UniqueConstraint("donation_id", "kind", "channel"),
        Index(
            "ix_acknowledgements_pending_letters",
            "organization_id",
            postgresql_where=text("channel = 'letter' AND letter_batch_id IS NULL"),
        ),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(ForeignKey("donations.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[AcknowledgementKind] = mapped_column(
        text_enum(AcknowledgementKind, "acknowledgement_kind")
    )
    channel: Mapped[AcknowledgementChannel] = mapped_column(
        text_enum(AcknowledgementChannel, "acknowledgement_channel")
    )
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_messages.id"))
    letter_batch_id: Mapped[int | None] = mapped_column(ForeignKey("letter_batches.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class PledgeStatus(StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"  # gifts received since the pledge add up to it
    CANCELLED = "cancelled"


class Pledge(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """A promise made on a call: an amount, maybe for one election, maybe by a date. It is
    fulfilled when the donor's gifts since the pledge add up to it (app.fundraising.pledges)."""

    __tablename__ = "pledges"
    __table_args__ = (
        Index("ix_pledges_organization_id_status", "organization_id", "status"),
        CheckConstraint("amount_cents > 0", name="amount_positive"),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    election_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidate_elections.id", ondelete="RESTRICT")
    )
    pledged_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[PledgeStatus] = mapped_column(
        text_enum(PledgeStatus, "pledge_status"), server_default=PledgeStatus.OPEN.value
    )
    fulfilled_on: Mapped[date | None] = mapped_column(Date)
    #: The call it was made on (the person's history).
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(String(300), server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __audit_values__ = ("person_id", "amount_cents", "election_id", "due_on", "status", "note")


class SourceKind(StrEnum):
    """What a goal (or a breakdown of totals) counts money by: fields of the donation."""

    METHOD = "method"
    PROCESSOR = "processor"
    PAGE = "page"
    REFERENCE_CODE = "reference_code"
    EVENT = "event"


class FundraisingGoal(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """Money to raise between two days (inclusive), from every source or from one."""

    __tablename__ = "fundraising_goals"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("ends_on >= starts_on", name="period_ordered"),
        CheckConstraint(
            "(source_kind IS NULL) = (source_value IS NULL)", name="source_kind_with_value"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    source_kind: Mapped[SourceKind | None] = mapped_column(
        text_enum(SourceKind, "fundraising_source_kind")
    )
    source_value: Mapped[str | None] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __audit_values__ = (
        "name",
        "starts_on",
        "ends_on",
        "amount_cents",
        "source_kind",
        "source_value",
    )
