"""Email campaigns, their templates, one row per recipient (the send's own outbox: its status
is what makes a send resumable and idempotent), and what came back (engagement events)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import OrganizationOwnedMixin, TimestampMixin, text_enum
from app.extensions import db
from app.people.models import ConsentPurpose


class AudienceKind(StrEnum):
    UNIVERSE = "universe"
    EVENT = "event"  # signed up for (or attended) one of the event's shifts
    VOLUNTEERS = "volunteers"  # every active volunteer
    TEAM = "team"
    # DONORS = "donors": app/mailings/audiences.py says where it plugs in.


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    SENT = "sent"


class MessageParts:
    """What a template and a campaign both have: the parts of one email."""

    subject: Mapped[str] = mapped_column(String(300))
    preheader: Mapped[str] = mapped_column(String(300), server_default="")
    html_body: Mapped[str] = mapped_column(Text, server_default="")
    text_body: Mapped[str] = mapped_column(Text)


class EmailTemplate(MessageParts, TimestampMixin, OrganizationOwnedMixin, db.Model):
    __tablename__ = "email_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class EmailCampaign(MessageParts, TimestampMixin, OrganizationOwnedMixin, db.Model):
    """One email to an audience. Its parts are its own (copied from a template when made from
    one): editing the template later changes no campaign."""

    __tablename__ = "email_campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[ConsentPurpose] = mapped_column(text_enum(ConsentPurpose, "consent_purpose"))
    audience_kind: Mapped[AudienceKind] = mapped_column(text_enum(AudienceKind, "audience_kind"))
    audience_id: Mapped[int | None]  # the universe, event or team
    status: Mapped[CampaignStatus] = mapped_column(
        text_enum(CampaignStatus, "campaign_status"), server_default=CampaignStatus.DRAFT.value
    )
    from_name: Mapped[str] = mapped_column(String(120))
    from_address: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[str] = mapped_column(String(254), server_default="")
    #: One message per address, even when housemates share it (the first person by id).
    one_per_address: Mapped[bool] = mapped_column(server_default=text("true"))
    #: Only addresses whose owner said yes to email (else: every address not opted out).
    consented_only: Mapped[bool] = mapped_column(server_default=text("true"))
    scheduled_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RecipientStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"  # taken by a sending run; sent once marked sent
    SENT = "sent"
    FAILED = "failed"  # refused after every try
    SKIPPED = "skipped"  # no longer may be sent to (opted out, bounced ... since the audience)


class CampaignRecipient(OrganizationOwnedMixin, db.Model):
    __tablename__ = "email_recipients"
    __table_args__ = (
        UniqueConstraint("campaign_id", "person_id", "address"),
        Index("ix_email_recipients_campaign_id_status", "campaign_id", "status", "id"),
        Index(
            "ix_email_recipients_sent_at",
            "organization_id",
            "sent_at",
            postgresql_where=text("sent_at IS NOT NULL"),
        ),
        Index("ix_email_recipients_address", "address", "sent_at"),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("email_campaigns.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    address: Mapped[str] = mapped_column(String(254))
    status: Mapped[RecipientStatus] = mapped_column(
        text_enum(RecipientStatus, "recipient_status"), server_default=RecipientStatus.PENDING.value
    )
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # What came back, first time each (the events table has every one).
    delivered_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    clicked_at: Mapped[datetime | None]
    bounced: Mapped[str | None] = mapped_column(String(10))  # hard, soft
    complained_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]
    replied_at: Mapped[datetime | None]


class EngagementKind(StrEnum):
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    COMPLAINED = "complained"
    OPENED = "opened"  # a pixel: mail clients prefetch images, so unreliable
    CLICKED = "clicked"
    UNSUBSCRIBED = "unsubscribed"
    REPLIED = "replied"


class EngagementEvent(OrganizationOwnedMixin, db.Model):
    """One thing that came back about one message. ``provider_event_id`` makes a webhook
    delivered twice count once."""

    __tablename__ = "email_events"
    __table_args__ = (
        UniqueConstraint("provider", "provider_event_id"),
        Index("ix_email_events_campaign_id_kind", "campaign_id", "kind"),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("email_campaigns.id", ondelete="CASCADE")
    )
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("email_recipients.id", ondelete="CASCADE"), index=True
    )
    address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[EngagementKind] = mapped_column(text_enum(EngagementKind, "engagement_kind"))
    provider: Mapped[str] = mapped_column(String(20), server_default="doorstep")
    provider_event_id: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'::jsonb"))
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())
