"""The outbox: every message is a row first, then delivered; nothing is sent inside a request."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import OrganizationOwnedMixin, text_enum
from app.extensions import db


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"  # recipient: a PushSubscription id; body: the JSON the service worker shows


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboundMessage(OrganizationOwnedMixin, db.Model):
    __tablename__ = "outbound_messages"
    __table_args__ = (
        Index(
            "ix_outbound_messages_pending",
            "created_at",
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(text_enum(Channel, "channel"))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(60))
    status: Mapped[MessageStatus] = mapped_column(
        text_enum(MessageStatus, "message_status"), server_default=MessageStatus.PENDING.value
    )
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    sent_at: Mapped[datetime | None]

    #: Files sent with an email (a weekly summary's PDF); read only when it is sent.
    attachments: Mapped[list[OutboundAttachment]] = relationship(
        order_by="OutboundAttachment.id", passive_deletes=True
    )


class OutboundAttachment(db.Model):
    """A file sent with an email of the outbox, kept with it (the row is the record)."""

    __tablename__ = "outbound_message_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbound_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PushSubscription(OrganizationOwnedMixin, db.Model):
    """One browser's Web Push subscription (the PWA on a canvasser's phone). Removed when
    the user turns notifications off or the push service says it is gone (404/410)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(Text, unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    user_agent: Mapped[str] = mapped_column(String(300), server_default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_sent_at: Mapped[datetime | None]
