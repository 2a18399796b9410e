"""Webhooks out: a campaign's subscriptions, the outbox of events (written in the transaction
of the change), one delivery per event and subscription, and every attempt at it."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import OrganizationOwnedMixin, text_enum
from app.extensions import db


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"  # failing for a day, or paused by an admin: events wait, nothing is sent


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # due at next_attempt_at
    SENDING = "sending"  # claimed by a worker until lease_until; past it, claimed again
    DELIVERED = "delivered"
    FAILED = "failed"  # failed for a day; a resume sends it again


class WebhookSubscription(OrganizationOwnedMixin, db.Model):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(ARRAY(Text))
    # The signing secret: the HMAC key, so it is kept as it is (not hashed); the API shows it
    # once, at creation, then only its last four characters.
    secret: Mapped[str] = mapped_column(String(80))
    status: Mapped[SubscriptionStatus] = mapped_column(
        text_enum(SubscriptionStatus, "webhook_subscription_status"),
        server_default=SubscriptionStatus.ACTIVE.value,
    )
    paused_at: Mapped[datetime | None]
    paused_reason: Mapped[str | None] = mapped_column(String(300))
    last_success_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    @property
    def secret_hint(self) -> str:
        return f"…{self.secret[-4:]}"


class WebhookEvent(OrganizationOwnedMixin, db.Model):
    """One thing that happened, with the exact body every subscriber is sent (and signed)."""

    __tablename__ = "webhook_events"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[int | None]
    occurred_at: Mapped[datetime]
    body: Mapped[str] = mapped_column(Text)


class WebhookDelivery(OrganizationOwnedMixin, db.Model):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status IN ('pending', 'sending')"),
        ),
        Index("ix_webhook_deliveries_subscription_id", "subscription_id", "id"),
    )
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_events.id", ondelete="CASCADE"), index=True
    )
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    status: Mapped[DeliveryStatus] = mapped_column(
        text_enum(DeliveryStatus, "webhook_delivery_status"),
        server_default=DeliveryStatus.PENDING.value,
    )
    attempts: Mapped[int] = mapped_column(server_default=text("0"))
    next_attempt_at: Mapped[datetime]
    give_up_at: Mapped[datetime]  # a day after the event (or after a resume)
    lease_until: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class WebhookAttempt(OrganizationOwnedMixin, db.Model):
    """One try at a delivery: when, how long, the receiver's status code and body (cut)."""

    __tablename__ = "webhook_attempts"
    __organization_index__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime]
    duration_ms: Mapped[int]
    ok: Mapped[bool]
    status_code: Mapped[int | None]
    response_body: Mapped[str] = mapped_column(String(1000), server_default="")
    error: Mapped[str | None] = mapped_column(String(300))
