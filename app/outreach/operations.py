"""Queue messages in the caller's transaction; deliver them after it commits."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select, update

from app.core.signals import after_commit, after_rollback
from app.extensions import db
from app.outreach.models import Channel, MessageStatus, OutboundAttachment, OutboundMessage
from app.outreach.senders import Attachment, DeliveryError, RecipientGone, sender_for

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def queue_message(
    *,
    organization_id: int,
    channel: Channel,
    recipient: str,
    body: str,
    kind: str,
    subject: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> OutboundMessage:
    """A message in the outbox, sent after the caller's transaction commits. Attachments go
    with an email only."""
    if attachments and channel is not Channel.EMAIL:
        raise ValueError(f"only an email carries attachments, not {channel}")
    message = OutboundMessage(
        organization_id=organization_id,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        kind=kind,
        status=MessageStatus.PENDING,
        attempts=0,
    )
    message.attachments = [
        OutboundAttachment(filename=a.filename, content_type=a.content_type, data=a.data)
        for a in attachments
    ]
    db.session.add(message)
    # Tells whoever commits this session (the request boundary, a CLI command) to deliver.
    db.session.info["outbox_pending"] = True
    return message


@after_rollback.connect
def _drop_pending(_session: object) -> None:
    db.session.info.pop("outbox_pending", None)


@after_commit.connect
def deliver_after_commit(_session: object = None) -> None:
    """Deliver what the just-committed transaction queued; failures stay pending for retry."""
    if not db.session.info.pop("outbox_pending", False):
        return
    try:
        deliver_pending()
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("outbox delivery after commit failed; messages stay pending")


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Send pending messages; returns (sent, failed). Safe to run from several workers."""
    messages = db.session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.status == MessageStatus.PENDING)
        .order_by(OutboundMessage.created_at, OutboundMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    sent = failed = 0
    for message in messages:
        message.attempts += 1
        try:
            sender_for(message.channel).send(message)
        except DeliveryError as exc:
            log.warning("outbox message %s not delivered: %s", message.id, exc)
            message.last_error = str(exc)[:2000]
            if isinstance(exc, RecipientGone) or message.attempts >= MAX_ATTEMPTS:
                message.status = MessageStatus.FAILED
            failed += 1
            continue
        message.status = MessageStatus.SENT
        message.sent_at = datetime.now(UTC)
        sent += 1
    db.session.flush()
    return sent, failed


def cancel_pending_texts(number: str, *, organization_id: int | None, reason: str) -> int:
    """Texts to ``number`` still waiting in the outbox (a provider that was down) are not sent
    after the number opted out: failed, with the reason. Returns how many."""
    query = (
        update(OutboundMessage)
        .where(OutboundMessage.channel == Channel.SMS, OutboundMessage.recipient == number)
        .where(OutboundMessage.status == MessageStatus.PENDING)
        .values(status=MessageStatus.FAILED, last_error=reason[:2000])
    )
    if organization_id is not None:
        query = query.where(OutboundMessage.organization_id == organization_id)
    return db.session.execute(query.execution_options(synchronize_session=False)).rowcount
