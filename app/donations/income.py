"""Income from processors, one gift at a time (the webhook), and the webhook's credentials.

A processor re-delivers: a gift is recorded once by its line id, a refund once by its refund
id. Imports and webhook deliveries of one campaign take turns (``lock_income``), so a line
arriving both ways at once is counted once and the file's totals are counted in order.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select, text

from app.accounts.passwords import burn_verification_time, hash_password, verify_password
from app.audit.operations import record_audit
from app.core.actor import Actor
from app.core.errors import DoorstepError, ValidationError
from app.donations.corrections import refund_donation
from app.donations.models import ProcessorWebhook
from app.donations.operations import record_donation
from app.donations.sources import GiftRow
from app.extensions import db

MIN_PASSWORD_LENGTH = 20
#: The memo of a refund a processor reports.
REFUND_MEMO = "refunded by the processor"


class WebhookUnauthorized(DoorstepError):
    status = 401
    code = "webhook_unauthorized"
    message = "Wrong or missing webhook credentials."


def lock_income(organization_id: int) -> None:
    """Hold the campaign's income lock until the transaction ends."""
    db.session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('doorstep-donation-income'), :org)"),
        {"org": organization_id},
    )


@dataclass(frozen=True)
class Recorded:
    donation_id: int
    created: bool
    refund_id: int | None = None
    refund_created: bool = False


def record_gift(actor: Actor, gift: GiftRow) -> Recorded:
    """Record one delivered gift (and its refund, when it is one): each only once."""
    lock_income(actor.organization_id)
    donation, created = record_donation(actor, gift.fields)
    if gift.refund is None:
        return Recorded(donation.id, created)
    refund, refund_created = refund_donation(
        actor,
        donation,
        gift.refund.cents,
        gift.refund.on,
        reason=REFUND_MEMO,
        processor_line_id=gift.refund.refund_id,
    )
    return Recorded(donation.id, created, refund.id, refund_created)


def set_webhook_credentials(
    actor: Actor, processor: str, username: str, password: str | None = None
) -> tuple[ProcessorWebhook, str]:
    """Set the username and password the processor's webhook posts with; a password left
    out is made (and returned: the only time it is shown). Only its hash is kept."""
    username = username.strip()
    if not username or len(username) > 100 or ":" in username:
        raise ValidationError(
            "Give a username (at most 100 characters, no ':').", fields={"username": ["Invalid."]}
        )
    password = password if password is not None else secrets.token_urlsafe(24)
    if len(password) < MIN_PASSWORD_LENGTH or len(password) > 200:
        raise ValidationError(
            f"Use a password of {MIN_PASSWORD_LENGTH} to 200 characters (or leave it out).",
            fields={"password": ["Too short or too long."]},
        )
    webhook = _webhook(actor.organization_id, processor)
    if webhook is None:
        webhook = ProcessorWebhook(organization_id=actor.organization_id, processor=processor)
        db.session.add(webhook)
    webhook.username = username
    webhook.password_hash = hash_password(password)
    db.session.flush()
    record_audit(
        "processor_webhook.set",
        entity=webhook,
        changes={"processor": processor, "username": username, "password": "changed"},
    )
    return webhook, password


def check_webhook_credentials(
    organization_id: int, processor: str, username: str | None, password: str | None
) -> None:
    """Refuse (401, ``webhook_unauthorized``) unless these are the campaign's credentials."""
    webhook = _webhook(organization_id, processor)
    if webhook is None or username is None or password is None:
        burn_verification_time(password or "")
        raise WebhookUnauthorized()
    same_user = secrets.compare_digest(webhook.username.encode(), username.encode())
    if not verify_password(webhook.password_hash, password) or not same_user:
        raise WebhookUnauthorized()


def webhook_configured(organization_id: int, processor: str) -> bool:
    return bool(
        db.session.scalar(
            select(func.count(ProcessorWebhook.id)).where(
                ProcessorWebhook.organization_id == organization_id,
                ProcessorWebhook.processor == processor,
            )
        )
    )


def _webhook(organization_id: int, processor: str) -> ProcessorWebhook | None:
    return db.session.scalar(
        select(ProcessorWebhook).where(
            ProcessorWebhook.organization_id == organization_id,
            ProcessorWebhook.processor == processor,
        )
    )
