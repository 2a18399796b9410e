"""People (voters, volunteers, donors: one record each), their contact points and history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    Computed,
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
from app.people.grid import CELL_SQL


class PersonSource(StrEnum):
    VOTER_FILE = "voter_file"
    MANUAL = "manual"
    SIGNUP = "signup"


class Person(TimestampMixin, OrganizationOwnedMixin, db.Model):
    """Anyone the campaign knows.

    The columns under "search columns" are copied from the person's registration, home and
    vote history by the import (set-based), so that a universe is one indexed scan of this
    table rather than five joins over a million rows.
    """

    __tablename__ = "people"
    __table_args__ = (
        Index("ix_people_location", "location", postgresql_using="gist"),
        Index("ix_people_area_ids", "area_ids", postgresql_using="gin"),
        Index("ix_people_tags", "tags", postgresql_using="gin"),
        Index("ix_people_organization_id_last_name", "organization_id", "last_name"),
        # Birth year after the cell: most universes give an age, and its range then narrows
        # each cell's read (app.people.grid).
        Index("ix_people_organization_id_cell", "organization_id", "cell", "birth_year"),
        # The campaign address's key (below): found again by the triggers that keep it.
        Index("ix_people_email_key", "email_key", postgresql_where=text("email_key IS NOT NULL")),
        Index("ix_people_email_shared", "organization_id", postgresql_where=text("email_shared")),
    )
    __organization_index__ = False  # ix_people_organization_id_last_name starts with it

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[PersonSource] = mapped_column(
        text_enum(PersonSource, "person_source"), server_default=PersonSource.MANUAL.value
    )
    title: Mapped[str | None] = mapped_column(String(20))
    first_name: Mapped[str | None] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    suffix: Mapped[str | None] = mapped_column(String(20))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    languages: Mapped[list[str]] = mapped_column(
        ARRAY(String(10)), server_default=text("'{}'::varchar[]")
    )
    tags: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'::text[]"))
    custom_fields: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    # Suppressions (sticky results and the file's own flags); universes leave these out.
    is_deceased: Mapped[bool] = mapped_column(server_default=text("false"))
    has_moved: Mapped[bool] = mapped_column(server_default=text("false"))
    do_not_contact: Mapped[bool] = mapped_column(server_default=text("false"))
    #: Asked not to be called (a "Do Not Call" result): no call list hands them out again.
    do_not_call: Mapped[bool] = mapped_column(server_default=text("false"))
    # A merged-away person keeps its row (and id) pointing at the survivor.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)

    # Search columns, maintained by the voter-file import.
    party: Mapped[str | None] = mapped_column(String(10))
    registration_status: Mapped[str | None] = mapped_column(String(20))
    confidential: Mapped[bool] = mapped_column(server_default=text("false"))
    #: Has given (a contribution that stands); kept by app.donations.totals. Organizers see
    #: it, never an amount.
    is_donor: Mapped[bool] = mapped_column(server_default=text("false"))
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=True)
    # The grid cell of location (app.people.grid), computed by PostgreSQL.
    cell: Mapped[int | None] = mapped_column(BigInteger, Computed(CELL_SQL, persisted=True))
    area_ids: Mapped[list[int]] = mapped_column(
        ARRAY(Integer), server_default=text("'{}'::integer[]")
    )
    # election_id * 8 + method code, one per vote (see app.voters.models.VOTE_METHOD_CODES).
    vote_codes: Mapped[list[int]] = mapped_column(
        ARRAY(Integer), server_default=text("'{}'::integer[]")
    )
    #: The address campaigns email (the primary, else the first, of the person's emails that
    #: consented and did not opt out) as a 64-bit hash of it, or NULL: written by a trigger on
    #: person_emails (migration 0025), so an audience count reads this table alone.
    email_key: Mapped[int | None] = mapped_column(BigInteger)
    #: Another person of the campaign has the same ``email_key`` (housemates sharing an
    #: address, a duplicate): a count of addresses need only de-duplicate these few.
    email_shared: Mapped[bool] = mapped_column(server_default=text("false"))

    household = relationship("Household", lazy="joined")
    emails: Mapped[list[PersonEmail]] = relationship(
        back_populates="person", order_by="PersonEmail.id", cascade="all, delete-orphan"
    )
    phones: Mapped[list[PersonPhone]] = relationship(
        back_populates="person", order_by="PersonPhone.id", cascade="all, delete-orphan"
    )

    __audit_values__ = (
        "first_name",
        "middle_name",
        "last_name",
        "gender",
        "birth_year",
        "tags",
        "is_deceased",
        "has_moved",
        "do_not_contact",
        "do_not_call",
        "merged_into_id",
    )

    @property
    def full_name(self) -> str:
        parts = (self.first_name, self.middle_name, self.last_name, self.suffix)
        return " ".join(part for part in parts if part)


class ContactPointMixin:
    """An email or phone with its consent: what the person agreed to, and when."""

    is_primary: Mapped[bool] = mapped_column(server_default=text("false"))
    consent: Mapped[bool] = mapped_column(server_default=text("false"))
    do_not_contact: Mapped[bool] = mapped_column(server_default=text("false"))
    source: Mapped[str] = mapped_column(String(40), server_default="manual")
    consent_changed_at: Mapped[datetime | None]


class PersonEmail(ContactPointMixin, OrganizationOwnedMixin, db.Model):
    __tablename__ = "person_emails"
    __table_args__ = (UniqueConstraint("person_id", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(254), index=True)

    person: Mapped[Person] = relationship(back_populates="emails")


class PersonPhone(ContactPointMixin, OrganizationOwnedMixin, db.Model):
    __tablename__ = "person_phones"
    __table_args__ = (UniqueConstraint("person_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20), index=True)  # E.164
    kind: Mapped[str] = mapped_column(String(10), server_default="unknown")  # mobile, landline
    # SMS consent is separate from calls: a landline can take calls, never texts.
    sms_consent: Mapped[bool] = mapped_column(server_default=text("false"))
    #: A call found it does not reach this person: "wrong_number" (this person's row only: a
    #: wrong number belongs to the number, not the person) or "disconnected" (every row with
    #: the number). Neither called nor texted again; None: fine.
    call_status: Mapped[str | None] = mapped_column(String(20))
    call_status_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(back_populates="phones")


class InteractionKind(StrEnum):
    IMPORT = "import"
    NOTE = "note"
    MERGE = "merge"
    DOOR_KNOCK = "door_knock"
    CALL = "call"
    TEXT = "text"
    EMAIL = "email"
    EVENT_SIGNUP = "event_signup"  # signed up for a shift, waitlisted, cancelled
    EVENT_ATTENDANCE = "event_attendance"
    DONATION = "donation"
    MAIL = "mail"  # a direct-mail piece sent (app.mail), and a response through its code


class HistoryChannel(StrEnum):
    """The channels of one history: what the timeline and universes filter on."""

    DOOR = "door"
    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    MAIL = "mail"
    EVENT = "event"
    DONATION = "donation"


#: The interaction kinds each channel is made of.
CHANNEL_KINDS: dict[HistoryChannel, tuple[InteractionKind, ...]] = {
    HistoryChannel.DOOR: (InteractionKind.DOOR_KNOCK,),
    HistoryChannel.PHONE: (InteractionKind.CALL,),
    HistoryChannel.TEXT: (InteractionKind.TEXT,),
    HistoryChannel.EMAIL: (InteractionKind.EMAIL,),
    HistoryChannel.MAIL: (InteractionKind.MAIL,),
    HistoryChannel.EVENT: (InteractionKind.EVENT_SIGNUP, InteractionKind.EVENT_ATTENDANCE),
    HistoryChannel.DONATION: (InteractionKind.DONATION,),
}


class Interaction(OrganizationOwnedMixin, db.Model):
    """One entry in a person's engagement history. Rows are appended, never rewritten, but
    for ``voided_at``."""

    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_person_id_occurred_at", "person_id", "occurred_at"),
        Index("ix_interactions_organization_id_kind", "organization_id", "kind"),
    )
    __organization_index__ = False  # ix_interactions_organization_id_kind starts with it

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[InteractionKind] = mapped_column(text_enum(InteractionKind, "interaction_kind"))
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())
    recorded_at: Mapped[datetime] = mapped_column(server_default=func.now())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # A plain id (jobs are never deleted): imports write one interaction per changed voter.
    import_job_id: Mapped[int | None] = mapped_column(BigInteger)
    result: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(300), server_default="")
    data: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    # Set by offline clients; the same record arriving twice is applied once.
    client_uuid: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), unique=True)
    #: Set while the record it came from is held or after it was rolled back: the row stays
    #: in the history, but counts for nothing (progress, universes, "last contacted").
    voided_at: Mapped[datetime | None]


class SurveyAnswer(OrganizationOwnedMixin, db.Model):
    """What a person answered to a survey question (support 1-5, top issue ...).

    One answer per question per person per day (a later one that day replaces it); the
    history is kept, and the latest answer is the one universes target on.
    """

    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("person_id", "question", "answered_on"),
        Index(
            "ix_survey_answers_question_answered_at", "organization_id", "question", "answered_at"
        ),
    )
    __organization_index__ = False  # ix_survey_answers_question_answered_at starts with it

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(60))  # the question's short name: "support"
    answer: Mapped[str] = mapped_column(String(100))
    answered_at: Mapped[datetime] = mapped_column(server_default=func.now())
    answered_on: Mapped[date] = mapped_column(Date)
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ContactConfirmation(OrganizationOwnedMixin, db.Model):
    """A new email or phone given on a public form for a person the campaign already reaches:
    held here, not on the person, until the person confirms it through the link sent to the
    contact they already have (whoever typed it in may not be them). ``collection`` is
    ``emails`` or ``phones``; ``value`` is normalised; the consent is what the form ticked."""

    __tablename__ = "contact_confirmations"
    __table_args__ = (
        UniqueConstraint("token"),
        Index("ix_contact_confirmations_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    collection: Mapped[str] = mapped_column(String(10))
    value: Mapped[str] = mapped_column(String(254))
    consent: Mapped[bool] = mapped_column(server_default=text("false"))
    sms_consent: Mapped[bool] = mapped_column(server_default=text("false"))
    #: In the link sent to the person's known contact.
    token: Mapped[str] = mapped_column(String(43))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]


class ConsentChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    CALL = "call"
    MAIL = "mail"  # post


class ConsentPurpose(StrEnum):
    """What a message is for (docs/outreach.md). A person may take one and refuse another;
    a channel-wide opt-out (an unsubscribe from everything, a STOP) refuses them all."""

    UPDATES = "updates"  # campaign news, persuasion, get-out-the-vote
    FUNDRAISING = "fundraising"
    EVENTS = "events"  # invitations to events (not the reminders of a shift one signed up for)
    VOLUNTEERING = "volunteering"  # asks to volunteer, shift recruitment


class ConsentRecord(OrganizationOwnedMixin, db.Model):
    """One decision about one person, channel and purpose: append-only history (the database
    refuses an update of anything but the person, which a merge moves, and any delete).
    ``contact`` is the address or number it was about; ``words`` what the person was shown."""

    __tablename__ = "consent_records"
    __table_args__ = (
        Index("ix_consent_records_person_id_recorded_at", "person_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[ConsentChannel] = mapped_column(text_enum(ConsentChannel, "consent_channel"))
    purpose: Mapped[ConsentPurpose] = mapped_column(text_enum(ConsentPurpose, "consent_purpose"))
    granted: Mapped[bool]
    contact: Mapped[str] = mapped_column(String(254), server_default="")
    source: Mapped[str] = mapped_column(String(40))
    words: Mapped[str] = mapped_column(Text, server_default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    recorded_at: Mapped[datetime] = mapped_column(server_default=func.now())

    person: Mapped[Person] = relationship()


class ConsentState(OrganizationOwnedMixin, db.Model):
    """The latest decision per person, channel and purpose (the read path of audiences),
    written only with the ``ConsentRecord`` that made it."""

    __tablename__ = "consent_states"
    __table_args__ = (UniqueConstraint("person_id", "channel", "purpose"),)
    __organization_index__ = False  # read by person

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[ConsentChannel] = mapped_column(text_enum(ConsentChannel, "consent_channel"))
    purpose: Mapped[ConsentPurpose] = mapped_column(text_enum(ConsentPurpose, "consent_purpose"))
    granted: Mapped[bool]
    record_id: Mapped[int] = mapped_column(ForeignKey("consent_records.id"))
    changed_at: Mapped[datetime]

    person: Mapped[Person] = relationship()
    record: Mapped[ConsentRecord] = relationship()
