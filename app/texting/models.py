"""Texting campaigns over a universe, their conversations (one per person), the messages of
each thread, and the canned answers texters reply with. Spoke's model: a campaign's contacts
are handed out in batches (assignments), each first message is sent by a person with one tap,
and replies come back to the texter who started the conversation."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db


class TextCampaignKind(StrEnum):
    #: A texter sends each message (the person never opted in: a person must press send).
    PEER = "peer"
    #: The worker sends to everyone with recorded consent for texts, no person in between.
    BROADCAST = "broadcast"


class TextCampaignStatus(StrEnum):
    DRAFT = "draft"  # being written: no conversations yet
    ACTIVE = "active"  # conversations made; texters claim and send (or the worker does)
    CLOSED = "closed"  # nothing more is sent; replies still land in their threads


class TextCampaign(TimestampMixin, OrganizationOwnedMixin, db.Model):
    __tablename__ = "text_campaigns"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[TextCampaignKind] = mapped_column(
        text_enum(TextCampaignKind, "text_campaign_kind")
    )
    status: Mapped[TextCampaignStatus] = mapped_column(
        text_enum(TextCampaignStatus, "text_campaign_status"),
        server_default=TextCampaignStatus.DRAFT.value,
    )
    #: Whom it texts (None: the universe was deleted; a started campaign keeps its people).
    universe_id: Mapped[int | None] = mapped_column(
        ForeignKey("universes.id", ondelete="SET NULL"), index=True
    )
    #: The canvass script whose questions texters record (None: the campaign's default).
    script_id: Mapped[int | None] = mapped_column(ForeignKey("scripts.id", ondelete="SET NULL"))
    #: The first message, a template (app.outreach.templates) rendered for each person.
    first_message: Mapped[str] = mapped_column(Text)
    #: Who answers questions (an email address, a phone number): the HELP reply says it.
    contact: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    canned_responses: Mapped[list[CannedResponse]] = relationship(
        order_by="CannedResponse.position, CannedResponse.id", cascade="all, delete-orphan"
    )

    __audit_values__ = ("name", "kind", "status", "universe_id", "script_id", "contact")


class CannedResponse(OrganizationOwnedMixin, db.Model):
    """An answer a texter sends with one tap ("Where do I vote?"), a template like the first
    message."""

    __tablename__ = "text_canned_responses"
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("text_campaigns.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(server_default=text("0"))


class ConversationStatus(StrEnum):
    """Spoke's message statuses."""

    NEEDS_MESSAGE = "needs_message"  # the first message is not sent yet
    MESSAGED = "messaged"  # sent; no reply
    NEEDS_RESPONSE = "needs_response"  # they replied: a texter's turn
    CONVO = "convo"  # the texter answered: their turn
    CLOSED = "closed"  # done (a result recorded, or nothing more to say)
    OPTED_OUT = "opted_out"  # they texted STOP (or were opted out elsewhere)


class Conversation(OrganizationOwnedMixin, db.Model):
    """One person of a texting campaign, at one number: the thread and who holds it.

    ``texter_id`` holds it now (a claimed batch, or the one who sent the first message
    while they keep it); None is the pool (first message unsent) or the shared inbox (sent,
    handed off). ``first_texter_id`` is who sent the first message."""

    __tablename__ = "text_conversations"
    __table_args__ = (
        UniqueConstraint("campaign_id", "person_id", name="uq_text_conversations_person"),
        # A phone a household shares is texted once.
        UniqueConstraint("campaign_id", "number", name="uq_text_conversations_number"),
        Index("ix_text_conversations_campaign_id_status", "campaign_id", "status", "texter_id"),
        Index("ix_text_conversations_texter_id_status", "texter_id", "status"),
        Index("ix_text_conversations_number", "number", "last_message_at"),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("text_campaigns.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))  # E.164, the phone it was made for
    status: Mapped[ConversationStatus] = mapped_column(
        text_enum(ConversationStatus, "conversation_status"),
        server_default=ConversationStatus.NEEDS_MESSAGE.value,
    )
    texter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    first_texter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime | None]
    first_sent_at: Mapped[datetime | None]
    last_message_at: Mapped[datetime | None]
    #: Broadcasts: not before this time (the end of the recipient's quiet hours).
    not_before: Mapped[datetime | None]
    #: The result code recorded from the thread (a canvass result, or wrong_number).
    result: Mapped[str | None] = mapped_column(String(40))
    #: Why it was closed without a message (no_consent, opted_out, landline ...).
    closed_reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    person = relationship("Person", lazy="joined", viewonly=True)
    messages: Mapped[list[TextMessage]] = relationship(
        order_by="TextMessage.id",
        viewonly=True,  # as the server saw them
    )


class Direction(StrEnum):
    OUT = "out"
    IN = "in"


class TextMessage(OrganizationOwnedMixin, db.Model):
    """One message of a thread, either way; an outgoing one points at its outbox row."""

    __tablename__ = "text_messages"
    __table_args__ = (UniqueConstraint("provider_sid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("text_conversations.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[Direction] = mapped_column(text_enum(Direction, "text_direction"))
    body: Mapped[str] = mapped_column(Text)
    segments: Mapped[int] = mapped_column(SmallInteger, server_default=text("1"))
    encoding: Mapped[str] = mapped_column(String(5), server_default="gsm7")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outbound_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_messages.id"))
    #: The provider's id of an incoming text: a webhook delivered twice is filed once.
    provider_sid: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
