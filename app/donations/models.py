"""Money: the candidate's elections, donors, donations (a ledger of signed entries), flags,
deposit batches.

A donation is never deleted or edited in amount: a refund, a chargeback, a redesignation or a
reattribution is an entry of its own, linked to the one it corrects, and an entry entered by
mistake is voided with a reason. A person's aggregate for an election is the sum of the
entries designated to it and attributed to them (``donor_totals`` keeps it running).
"""

from __future__ import annotations

import uuid
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
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db


class ElectionKind(StrEnum):
    """The FEC's election codes' first letter (Form 3, Schedule A ``election_code``)."""

    PRIMARY = "P"
    GENERAL = "G"
    RUNOFF = "R"
    SPECIAL = "S"
    CONVENTION = "C"
    OTHER = "O"


class CandidateElection(OrganizationOwnedMixin, db.Model):
    """An election the candidate runs in, that a contribution is designated to: a primary
    and a general are two, each with its own per-person limit. ``cycle`` is the two-year
    period it belongs to (its even year): itemisation aggregates run over the cycle."""

    __tablename__ = "candidate_elections"
    __table_args__ = (UniqueConstraint("organization_id", "code"),)
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ElectionKind] = mapped_column(text_enum(ElectionKind, "candidate_election_kind"))
    #: The FEC's code: kind and year ("P2026", "G2026").
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100))
    held_on: Mapped[date] = mapped_column(Date)
    cycle: Mapped[int] = mapped_column(SmallInteger)
    limit_cents: Mapped[int] = mapped_column(BigInteger)

    __audit_values__ = ("code", "name", "held_on", "cycle", "limit_cents")


class CommitteeSettings(TimestampMixin, db.Model):
    """One campaign's committee and the rules its money follows (federal defaults)."""

    __tablename__ = "committee_settings"

    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), primary_key=True
    )
    committee_id: Mapped[str | None] = mapped_column(String(9))  # C00123456
    committee_name: Mapped[str] = mapped_column(String(200), server_default="")
    street_1: Mapped[str] = mapped_column(String(34), server_default="")
    street_2: Mapped[str] = mapped_column(String(34), server_default="")
    city: Mapped[str] = mapped_column(String(30), server_default="")
    state: Mapped[str] = mapped_column(String(2), server_default="")
    zip: Mapped[str] = mapped_column(String(9), server_default="")
    treasurer_first_name: Mapped[str] = mapped_column(String(20), server_default="")
    treasurer_last_name: Mapped[str] = mapped_column(String(30), server_default="")
    #: "Paid for by ..." on every letter and receipt.
    paid_for_by: Mapped[str] = mapped_column(String(200), server_default="")
    itemization_threshold_cents: Mapped[int] = mapped_column(BigInteger, server_default="20000")
    cash_limit_cents: Mapped[int] = mapped_column(BigInteger, server_default="10000")
    anonymous_cash_limit_cents: Mapped[int] = mapped_column(BigInteger, server_default="5000")
    #: Days to refund, redesignate or reattribute an excessive contribution.
    excess_cure_days: Mapped[int] = mapped_column(SmallInteger, server_default="60")
    #: Days to make the best-efforts request for a missing employer or occupation.
    best_efforts_days: Mapped[int] = mapped_column(SmallInteger, server_default="30")

    __audit_values__ = (
        "committee_id",
        "committee_name",
        "itemization_threshold_cents",
        "cash_limit_cents",
        "anonymous_cash_limit_cents",
        "excess_cure_days",
        "best_efforts_days",
    )


class Donor(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """A person's giving: what the FEC needs to know of them (kept current from their latest
    gift or by hand) and a running summary universes filter on."""

    __tablename__ = "donors"
    __table_args__ = (UniqueConstraint("organization_id", "person_id"),)
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    employer: Mapped[str | None] = mapped_column(String(38))
    occupation: Mapped[str | None] = mapped_column(String(38))
    street_1: Mapped[str | None] = mapped_column(String(34))
    street_2: Mapped[str | None] = mapped_column(String(34))
    city: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str | None] = mapped_column(String(2))
    zip: Mapped[str | None] = mapped_column(String(9))
    #: When the best-efforts request for employer and occupation went out.
    info_requested_at: Mapped[datetime | None]
    # The running summary (app.donations.totals keeps it).
    total_cents: Mapped[int] = mapped_column(BigInteger, server_default="0")
    largest_cents: Mapped[int] = mapped_column(BigInteger, server_default="0")
    gift_count: Mapped[int] = mapped_column(Integer, server_default="0")
    first_gift_on: Mapped[date | None] = mapped_column(Date)
    last_gift_on: Mapped[date | None] = mapped_column(Date)
    is_recurring: Mapped[bool] = mapped_column(server_default=text("false"))
    methods: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'::text[]"))

    __audit_values__ = ("employer", "occupation", "street_1", "city", "state", "zip")


class DonorTotal(OrganizationOwnedMixin, db.Model):
    """A person's running aggregate for one election: every entry designated to it and
    attributed to them (contributions less refunds, redesignations and reattributions)."""

    __tablename__ = "donor_totals"
    __table_args__ = (UniqueConstraint("person_id", "election_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    election_id: Mapped[int] = mapped_column(
        ForeignKey("candidate_elections.id", ondelete="RESTRICT")
    )
    cycle: Mapped[int] = mapped_column(SmallInteger)
    amount_cents: Mapped[int] = mapped_column(BigInteger, server_default="0")


class EntryKind(StrEnum):
    CONTRIBUTION = "contribution"
    REFUND = "refund"
    CHARGEBACK = "chargeback"
    REDESIGNATION = "redesignation"  # a pair: minus on the old election, plus on the new
    REATTRIBUTION = "reattribution"  # a pair: minus on the signer, plus on the other signer


class Method(StrEnum):
    CARD = "card"  # through a processor
    CHECK = "check"
    CASH = "cash"
    IN_KIND = "in_kind"
    WIRE = "wire"  # wire or EFT


class EntityType(StrEnum):
    """The FEC's entity types (Schedule A ``entity_type``)."""

    INDIVIDUAL = "IND"
    ORGANIZATION = "ORG"
    CANDIDATE_COMMITTEE = "CCM"
    PAC = "PAC"
    PARTY = "PTY"
    CANDIDATE = "CAN"
    COMMITTEE = "COM"


class MatchStatus(StrEnum):
    MATCHED = "matched"  # the person is certain (found or new)
    REVIEW = "review"  # more than one could be the donor: a person decides


#: The contributor as given with a gift: what the report itemises, and what a correction
#: (refund, redesignation, reattribution) carries over from the gift it corrects.
CONTRIBUTOR_FIELDS = (
    "prefix", "first_name", "middle_name", "last_name", "suffix", "street_1", "street_2",
    "city", "state", "zip", "country", "employer", "occupation",
)  # fmt: skip


class DepositBatch(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """Checks and cash entered together and deposited together: closed only when what was
    entered adds up to the deposit slip."""

    __tablename__ = "deposit_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    expected_count: Mapped[int] = mapped_column(Integer)
    expected_cents: Mapped[int] = mapped_column(BigInteger)
    deposited_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __audit_values__ = ("name", "expected_count", "expected_cents", "deposited_on", "closed_at")


class Donation(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """One entry of the money ledger, in integer cents: a contribution (positive), or a
    refund, chargeback, redesignation or reattribution linked to the contribution it
    corrects (``corrects_id``). The contributor's name, address, employer and occupation are
    kept as given with the gift: that is what the report itemises."""

    __tablename__ = "donations"
    __table_args__ = (
        Index("ix_donations_organization_id_received_on", "organization_id", "received_on"),
        Index("ix_donations_person_id", "person_id"),
        Index("ix_donations_corrects_id", "corrects_id"),
        # The processor's own ids make a re-delivered gift the same row.
        Index(
            "uq_donations_processor_line",
            "organization_id",
            "processor",
            "processor_line_id",
            unique=True,
            postgresql_where=text("processor_line_id IS NOT NULL"),
        ),
        CheckConstraint("amount_cents <> 0", name="amount_not_zero"),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EntryKind] = mapped_column(
        text_enum(EntryKind, "donation_entry_kind"), server_default=EntryKind.CONTRIBUTION.value
    )
    #: Null only while the donor waits in the review queue, or for anonymous cash.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    match_status: Mapped[MatchStatus] = mapped_column(
        text_enum(MatchStatus, "donation_match_status"), server_default=MatchStatus.MATCHED.value
    )
    match_candidate_ids: Mapped[list[int]] = mapped_column(
        ARRAY(BigInteger), server_default=text("'{}'::bigint[]")
    )
    election_id: Mapped[int] = mapped_column(
        ForeignKey("candidate_elections.id", ondelete="RESTRICT")
    )
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    received_on: Mapped[date] = mapped_column(Date)
    method: Mapped[Method] = mapped_column(text_enum(Method, "donation_method"))
    check_number: Mapped[str | None] = mapped_column(String(30))
    in_kind_description: Mapped[str | None] = mapped_column(String(100))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("donations.id"))
    #: Both entries of a redesignation or reattribution, and the signers of a joint check.
    group_uuid: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), index=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("deposit_batches.id"), index=True)
    # Where it came from.
    processor: Mapped[str] = mapped_column(String(20), server_default="manual")
    processor_receipt_id: Mapped[str | None] = mapped_column(String(60))
    processor_line_id: Mapped[str | None] = mapped_column(String(60))
    recurring_series: Mapped[str | None] = mapped_column(String(60))
    page: Mapped[str | None] = mapped_column(String(100))
    reference_code: Mapped[str | None] = mapped_column(String(100))
    event_id: Mapped[int | None] = mapped_column(BigInteger)  # a plain id: events sit above
    fundraiser_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # The conduit that forwarded an earmarked gift (ActBlue): a memo entry on the report.
    conduit_name: Mapped[str | None] = mapped_column(String(200))
    conduit_committee_id: Mapped[str | None] = mapped_column(String(9))
    memo: Mapped[str | None] = mapped_column(String(100))
    # The contributor as given with the gift.
    entity_type: Mapped[EntityType] = mapped_column(
        text_enum(EntityType, "donation_entity_type"), server_default=EntityType.INDIVIDUAL.value
    )
    organization_name: Mapped[str | None] = mapped_column(String(200))
    first_name: Mapped[str | None] = mapped_column(String(30))
    middle_name: Mapped[str | None] = mapped_column(String(20))
    last_name: Mapped[str | None] = mapped_column(String(30))
    prefix: Mapped[str | None] = mapped_column(String(10))
    suffix: Mapped[str | None] = mapped_column(String(10))
    street_1: Mapped[str | None] = mapped_column(String(34))
    street_2: Mapped[str | None] = mapped_column(String(34))
    city: Mapped[str | None] = mapped_column(String(30))
    state: Mapped[str | None] = mapped_column(String(2))
    zip: Mapped[str | None] = mapped_column(String(9))
    country: Mapped[str] = mapped_column(String(2), server_default="US")
    employer: Mapped[str | None] = mapped_column(String(38))
    occupation: Mapped[str | None] = mapped_column(String(38))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    #: The part over the limit when it arrived (0 when within it).
    excess_cents: Mapped[int] = mapped_column(BigInteger, server_default="0")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(String(300))

    election: Mapped[CandidateElection] = relationship(lazy="joined")
    flags: Mapped[list[DonationFlag]] = relationship(
        back_populates="donation", order_by="DonationFlag.id"
    )

    __audit_values__ = (
        "kind",
        "person_id",
        "election_id",
        "amount_cents",
        "received_on",
        "method",
        "check_number",
        "corrects_id",
        "batch_id",
        "employer",
        "occupation",
        "voided_at",
        "void_reason",
    )

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class FlagCode(StrEnum):
    EXCESSIVE = "excessive"  # over the per-election limit: refund, redesignate or reattribute
    CASH_OVER_LIMIT = "cash_over_limit"  # cash over $100 from one person
    ANONYMOUS_CASH = "anonymous_cash"  # anonymous cash over $50
    NOT_INDIVIDUAL = "not_individual"  # a corporation, union or other organisation
    FEDERAL_CONTRACTOR = "federal_contractor"
    FOREIGN_NATIONAL = "foreign_national"
    IN_NAME_OF_ANOTHER = "in_name_of_another"
    MISSING_EMPLOYER = "missing_employer"  # best efforts: ask within 30 days


class FlagStatus(StrEnum):
    OPEN = "open"  # staff must act
    CONFIRMED = "confirmed"  # staff confirmed the problem: the cure (refund ...) is owed
    CLEARED = "cleared"  # staff found it fine (with a note)
    RESOLVED = "resolved"  # cured: refunded, redesignated, reattributed, or info received


class DonationFlag(OrganizationOwnedMixin, db.Model):
    """Something about a contribution the law cares about, and what staff did about it."""

    __tablename__ = "donation_flags"
    __table_args__ = (
        UniqueConstraint("donation_id", "code"),
        Index("ix_donation_flags_open", "organization_id", "status", "due_on"),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(ForeignKey("donations.id", ondelete="RESTRICT"))
    code: Mapped[FlagCode] = mapped_column(text_enum(FlagCode, "donation_flag_code"))
    status: Mapped[FlagStatus] = mapped_column(
        text_enum(FlagStatus, "donation_flag_status"), server_default=FlagStatus.OPEN.value
    )
    #: The amount at stake (the excess; the cash over the cap), in cents.
    amount_cents: Mapped[int] = mapped_column(BigInteger, server_default="0")
    raised_at: Mapped[datetime] = mapped_column(server_default=func.now())
    due_on: Mapped[date | None] = mapped_column(Date)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(300))

    donation: Mapped[Donation] = relationship(back_populates="flags")

    __audit_values__ = ("code", "status", "amount_cents", "due_on", "resolved_at", "note")


class ProcessorWebhook(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """The HTTP Basic credentials a processor's webhook (ActBlue's) posts with, per campaign:
    the username as given, the password hashed (argon2id) like a user's."""

    __tablename__ = "processor_webhooks"
    __table_args__ = (UniqueConstraint("organization_id", "processor"),)
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    processor: Mapped[str] = mapped_column(String(20))
    username: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))

    __audit_values__ = ("processor", "username")


# The FEC reports' table lives beside (a file of its own); importing it here puts it in the
# one metadata whenever the ledger's models are.
from app.donations.fec_models import FecReport  # noqa: E402, F401
