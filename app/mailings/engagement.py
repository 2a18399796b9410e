"""What comes back from a campaign's messages: delivered, bounced (hard, soft), complained,
opened (a pixel: unreliable, mail clients fetch images themselves), clicked, unsubscribed,
replied. Each is an ``EngagementEvent`` (once per provider event id), stamps the recipient
row the first time, and is written on the person's history (``Interaction`` kind EMAIL, the
kind as its result) where universes filter on it.

Bounces and complaints suppress through the one consent operation
(``app.people.consent.record_consent``): a hard bounce or a complaint at once, soft bounces
once an address has had ``DOORSTEP_MAIL_SOFT_BOUNCES`` of them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from app.extensions import db
from app.mailings.models import CampaignRecipient, EngagementEvent, EngagementKind
from app.people.consent import record_consent
from app.people.models import ConsentChannel, ConsentPurpose, InteractionKind, Person, PersonEmail
from app.people.operations import record_interaction

#: The recipient column each kind stamps the first time.
_FIRST = {
    EngagementKind.DELIVERED: "delivered_at",
    EngagementKind.OPENED: "opened_at",
    EngagementKind.CLICKED: "clicked_at",
    EngagementKind.COMPLAINED: "complained_at",
    EngagementKind.UNSUBSCRIBED: "unsubscribed_at",
    EngagementKind.REPLIED: "replied_at",
}


def record_engagement(
    organization_id: int,
    kind: EngagementKind,
    *,
    address: str,
    recipient: CampaignRecipient | None = None,
    provider: str = "doorstep",
    provider_event_id: str | None = None,
    detail: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> EngagementEvent | None:
    """Record one event; None when the provider already told us (same event id)."""
    occurred_at = occurred_at or datetime.now(UTC)
    values = {
        "organization_id": organization_id,
        "kind": kind.value,
        "address": address,
        "campaign_id": recipient.campaign_id if recipient else None,
        "recipient_id": recipient.id if recipient else None,
        "provider": provider,
        "provider_event_id": provider_event_id,
        "detail": detail or {},
        "occurred_at": occurred_at,
    }
    event_id = db.session.scalar(
        insert(EngagementEvent)
        .values(values)
        .on_conflict_do_nothing()
        .returning(EngagementEvent.id)
    )
    if event_id is None:
        return None
    if recipient is not None:
        column = _FIRST.get(kind)
        if column and getattr(recipient, column) is None:
            setattr(recipient, column, occurred_at)
        if kind is EngagementKind.BOUNCED and recipient.bounced != "hard":
            recipient.bounced = (detail or {}).get("type", "hard")
        person = db.session.get(Person, recipient.person_id)
        record_interaction(
            person,
            InteractionKind.EMAIL,
            occurred_at=occurred_at,
            result=kind.value,
            summary=_summary(kind, detail),
            data={
                "campaign_id": recipient.campaign_id,
                "recipient_id": recipient.id,
                "address": address,
                **({"unreliable": True} if kind is EngagementKind.OPENED else {}),
            },
        )
    db.session.flush()
    return db.session.get(EngagementEvent, event_id)


def _summary(kind: EngagementKind, detail: dict[str, Any] | None) -> str:
    detail = detail or {}
    if kind is EngagementKind.CLICKED:
        return f"Clicked {detail.get('url', '')}"[:300]
    if kind is EngagementKind.BOUNCED:
        return f"Bounced ({detail.get('type', 'hard')})"
    if kind is EngagementKind.OPENED:
        return "Opened (a pixel: unreliable)"
    return kind.value.capitalize()


def suppress_address(organization_id: int, address: str, *, source: str, words: str = "") -> int:
    """No more email to ``address`` for anyone in the campaign who has it."""
    people = db.session.scalars(
        select(Person)
        .join(PersonEmail, PersonEmail.person_id == Person.id)
        .where(PersonEmail.organization_id == organization_id, PersonEmail.address == address)
        .order_by(Person.id)
    ).all()
    for person in people:
        record_consent(
            person, ConsentChannel.EMAIL, granted=False, contact=address, source=source, words=words
        )
    return len(people)


def record_bounce(
    organization_id: int,
    address: str,
    *,
    hard: bool,
    recipient_id: int | None = None,
    provider: str = "doorstep",
    provider_event_id: str | None = None,
    detail: dict[str, Any] | None = None,
    occurred_at: datetime | None = None,
) -> EngagementEvent | None:
    recipient = db.session.get(CampaignRecipient, recipient_id) if recipient_id else None
    event = record_engagement(
        organization_id,
        EngagementKind.BOUNCED,
        address=address,
        recipient=recipient,
        provider=provider,
        provider_event_id=provider_event_id,
        detail={**(detail or {}), "type": "hard" if hard else "soft"},
        occurred_at=occurred_at,
    )
    if event is None:
        return None
    if hard:
        suppress_address(organization_id, address, source="bounce", words="Hard bounce")
    elif (
        _soft_bounces(organization_id, address) >= current_app.config["DOORSTEP_MAIL_SOFT_BOUNCES"]
    ):
        suppress_address(organization_id, address, source="bounce", words="Repeated soft bounces")
    return event


def _soft_bounces(organization_id: int, address: str) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                EngagementEvent.organization_id == organization_id,
                EngagementEvent.address == address,
                EngagementEvent.kind == EngagementKind.BOUNCED,
                EngagementEvent.detail["type"].astext == "soft",
            )
        )
        or 0
    )


def record_complaint(
    organization_id: int, address: str, *, recipient_id: int | None = None, **event: Any
) -> EngagementEvent | None:
    recipient = db.session.get(CampaignRecipient, recipient_id) if recipient_id else None
    recorded = record_engagement(
        organization_id, EngagementKind.COMPLAINED, address=address, recipient=recipient, **event
    )
    if recorded is not None:
        suppress_address(
            organization_id,
            address,
            source="complaint",
            words="Marked the campaign's email as spam",
        )
    return recorded


def unsubscribe(
    recipient: CampaignRecipient,
    *,
    source: str,
    purposes: list[ConsentPurpose] | None = None,
    words: str = "",
) -> None:
    """The recipient opts out of email (of ``purposes``; of all email when None)."""
    person = db.session.get(Person, recipient.person_id)
    record_consent(
        person,
        ConsentChannel.EMAIL,
        granted=False,
        contact=recipient.address,
        purposes=purposes,
        source=source,
        words=words,
        detail={"campaign_id": recipient.campaign_id},
    )
    record_engagement(
        recipient.organization_id,
        EngagementKind.UNSUBSCRIBED,
        address=recipient.address,
        recipient=recipient,
        detail={"purposes": [p.value for p in purposes] if purposes else "all", "source": source},
    )
