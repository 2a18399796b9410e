"""Bounces and complaints from the mail provider, one reader per provider's payload shape,
all turned into the same ``ProviderEvent`` and applied in one way.

- Amazon SES through SNS: an SNS envelope (``Type`` ``Notification``) whose ``Message`` is the
  SES notification as a string (``notificationType`` or, with event publishing, ``eventType``:
  Bounce, Complaint, Delivery; ``bounce.bounceType`` Permanent, Transient or Undetermined).
  A ``SubscriptionConfirmation`` is logged with its SubscribeURL for the operator to open
  (the server never fetches a URL a request names).
- Postmark: one JSON object per event (``RecordType`` Bounce, SpamComplaint, Delivery; a
  bounce's ``Type`` HardBounce, SoftBounce, ...; our token in ``Metadata.doorstep``).
- SendGrid's event webhook: a JSON array of events (``event`` bounce, dropped, deferred,
  spamreport, delivered; a bounce's ``type`` bounce or blocked; our token as a custom arg).
- Replies, through the provider's inbound mail (Postmark's inbound webhook, JSON; SendGrid's
  Inbound Parse, a form): the reply's In-Reply-To names our Message-ID.

The message is found again by our token (the X-Doorstep-Recipient header, kept by Postmark as
metadata and by SendGrid as a custom argument), or by our Message-ID (SES keeps the original
headers), or else by the address's latest message; a bounce with none of those is dropped.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email import message_from_string
from email.utils import parseaddr
from typing import Any

from sqlalchemy import select

from app.core.contact import normalise_email
from app.core.errors import ValidationError
from app.extensions import db
from app.mailings.engagement import record_bounce, record_complaint, record_engagement
from app.mailings.links import recipient_of, recipient_token
from app.mailings.models import CampaignRecipient, EngagementKind

log = logging.getLogger(__name__)

_MESSAGE_ID = re.compile(r"<?c\d+\.r(\d+)\.([\w-]+)@")


@dataclass(frozen=True)
class ProviderEvent:
    kind: str  # hard_bounce, soft_bounce, complaint, delivered
    address: str
    provider: str
    event_id: str | None
    token: str | None = None
    message_id: str | None = None
    occurred_at: datetime | None = None
    detail: str = ""


def _time(raw: Any) -> datetime | None:
    if isinstance(raw, int | float):
        return datetime.fromtimestamp(raw, UTC)
    if isinstance(raw, str) and raw:
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def _object(payload: Any, field: str = "body") -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ValidationError("Expected a JSON object.", fields={field: ["Not an object."]})
    return payload


def read_ses(payload: Any) -> list[ProviderEvent]:
    envelope = _object(payload)
    if envelope.get("Type") == "SubscriptionConfirmation":
        log.warning("SES/SNS subscription to confirm: open %s", envelope.get("SubscribeURL"))
        return []
    message = envelope.get("Message", envelope)
    if isinstance(message, str):
        try:
            message = json.loads(message)
        except ValueError:
            raise ValidationError(
                "Message is not JSON.", fields={"Message": ["Not JSON."]}
            ) from None
    message = _object(message, "Message")
    kind = message.get("notificationType") or message.get("eventType")
    mail = message.get("mail") or {}
    headers = {h.get("name", "").lower(): h.get("value") for h in mail.get("headers") or []}
    common = {
        "token": headers.get("x-doorstep-recipient"),
        "message_id": (mail.get("commonHeaders") or {}).get("messageId"),
    }
    events = []
    if kind == "Bounce":
        bounce = message.get("bounce") or {}
        hard = bounce.get("bounceType") == "Permanent"
        for item in bounce.get("bouncedRecipients") or []:
            events.append(
                ProviderEvent(
                    "hard_bounce" if hard else "soft_bounce",
                    item.get("emailAddress", ""),
                    "ses",
                    f"{bounce.get('feedbackId')}:{item.get('emailAddress')}",
                    **common,
                    occurred_at=_time(bounce.get("timestamp")),
                    detail=str(item.get("diagnosticCode") or bounce.get("bounceSubType") or ""),
                )
            )
    elif kind == "Complaint":
        complaint = message.get("complaint") or {}
        for item in complaint.get("complainedRecipients") or []:
            events.append(
                ProviderEvent(
                    "complaint",
                    item.get("emailAddress", ""),
                    "ses",
                    f"{complaint.get('feedbackId')}:{item.get('emailAddress')}",
                    **common,
                    occurred_at=_time(complaint.get("timestamp")),
                )
            )
    elif kind == "Delivery":
        delivery = message.get("delivery") or {}
        for address in delivery.get("recipients") or []:
            events.append(
                ProviderEvent(
                    "delivered",
                    address,
                    "ses",
                    f"{mail.get('messageId')}:{address}:delivery",
                    **common,
                    occurred_at=_time(delivery.get("timestamp")),
                )
            )
    return events


#: Postmark bounce types that end an address (the rest are temporary).
_POSTMARK_HARD = {
    "HardBounce",
    "BadEmailAddress",
    "ManuallyDeactivated",
    "Unknown",
    "SpamNotification",
    "Blocked",
}


def read_postmark(payload: Any) -> list[ProviderEvent]:
    event = _object(payload)
    record = event.get("RecordType")
    token = (event.get("Metadata") or {}).get("doorstep")
    if record == "Bounce":
        hard = event.get("Type") in _POSTMARK_HARD
        return [
            ProviderEvent(
                "hard_bounce" if hard else "soft_bounce",
                event.get("Email", ""),
                "postmark",
                f"bounce:{event.get('ID')}",
                token=token,
                occurred_at=_time(event.get("BouncedAt")),
                detail=str(event.get("Type", "")),
            )
        ]
    if record == "SpamComplaint":
        return [
            ProviderEvent(
                "complaint",
                event.get("Email", ""),
                "postmark",
                f"complaint:{event.get('ID')}",
                token=token,
                occurred_at=_time(event.get("BouncedAt")),
            )
        ]
    if record == "Delivery":
        return [
            ProviderEvent(
                "delivered",
                event.get("Recipient", ""),
                "postmark",
                f"delivery:{event.get('MessageID')}",
                token=token,
                occurred_at=_time(event.get("DeliveredAt")),
            )
        ]
    return []


def read_sendgrid(payload: Any) -> list[ProviderEvent]:
    if not isinstance(payload, list):
        raise ValidationError("Expected a JSON array of events.", fields={"body": ["Not a list."]})
    kinds = {
        "bounce": None,
        "dropped": "hard_bounce",
        "deferred": "soft_bounce",
        "spamreport": "complaint",
        "delivered": "delivered",
    }
    events = []
    for item in payload:
        if not isinstance(item, dict) or item.get("event") not in kinds:
            continue
        kind = kinds[item["event"]]
        if kind is None:  # "blocked" is the receiving server's refusal for now
            kind = "soft_bounce" if item.get("type") == "blocked" else "hard_bounce"
        events.append(
            ProviderEvent(
                kind,
                item.get("email", ""),
                "sendgrid",
                item.get("sg_event_id"),
                token=item.get("doorstep"),
                occurred_at=_time(item.get("timestamp")),
                detail=str(item.get("reason") or ""),
            )
        )
    return events


def _replied_to(headers: str | list[dict[str, str]]) -> str | None:
    """The Message-ID a reply answers (In-Reply-To, else the last of References)."""
    if isinstance(headers, list):
        named = {h.get("Name", "").lower(): h.get("Value", "") for h in headers}
    else:
        parsed = message_from_string(headers + "\n\n")
        named = {key.lower(): str(value) for key, value in parsed.items()}
    return named.get("in-reply-to") or (named.get("references") or "").split(" ")[-1] or None


def read_postmark_inbound(payload: Any) -> list[ProviderEvent]:
    """Postmark's inbound webhook: a reply to the campaign's Reply-To address."""
    message = _object(payload)
    sender = (message.get("FromFull") or {}).get("Email") or message.get("From", "")
    return [ProviderEvent("replied", sender, "postmark", f"inbound:{message.get('MessageID')}",
                          message_id=_replied_to(message.get("Headers") or []),
                          detail=str(message.get("Subject", ""))[:200])]  # fmt: skip


def read_sendgrid_inbound(form: Any) -> list[ProviderEvent]:
    """SendGrid's Inbound Parse (a form: ``headers`` as raw text, ``from``, ``subject``)."""
    headers = form.get("headers") or ""
    parsed = message_from_string(headers + "\n\n")
    sender = parseaddr(form.get("from") or "")[1]
    message_id = parsed.get("Message-ID") or f"{sender}:{form.get('subject', '')}"
    return [ProviderEvent("replied", sender, "sendgrid", f"inbound:{message_id}"[:200],
                          message_id=_replied_to(headers),
                          detail=str(form.get("subject", ""))[:200])]  # fmt: skip


READERS = {
    "ses": read_ses,
    "postmark": read_postmark,
    "sendgrid": read_sendgrid,
    "postmark-inbound": read_postmark_inbound,
    "sendgrid-inbound": read_sendgrid_inbound,
}


def _recipient(event: ProviderEvent, address: str) -> CampaignRecipient | None:
    recipient_id = recipient_of(event.token) if event.token else None
    if recipient_id is None and event.message_id:
        match = _MESSAGE_ID.search(event.message_id)
        if match and recipient_token(int(match.group(1))).endswith("." + match.group(2)):
            recipient_id = int(match.group(1))
    if recipient_id is not None:
        recipient = db.session.get(CampaignRecipient, recipient_id)
        if recipient is not None and recipient.address == address:
            return recipient
    return db.session.scalar(
        select(CampaignRecipient)
        .where(CampaignRecipient.address == address, CampaignRecipient.sent_at.is_not(None))
        .order_by(CampaignRecipient.sent_at.desc(), CampaignRecipient.id.desc())
        .limit(1)
    )


def _text(value: Any, limit: int = 254) -> str | None:
    return None if value is None else str(value)[:limit]


def _cleaned(event: ProviderEvent) -> ProviderEvent:
    """Whatever the payload held, strings of the columns' sizes (a provider's JSON is input)."""
    return replace(
        event,
        address=_text(event.address) or "",
        event_id=_text(event.event_id, 200),
        token=_text(event.token, 100),
        message_id=_text(event.message_id, 500),
    )


def apply_events(events: Iterable[ProviderEvent]) -> dict[str, int]:
    """Apply what the provider said; returns counts by kind (repeats count as ignored)."""
    counts: dict[str, int] = {}
    for event in map(_cleaned, events):
        try:
            address = normalise_email(event.address)
        except ValidationError:
            address = ""
        recipient = _recipient(event, address) if address else None
        if recipient is None:
            counts["ignored"] = counts.get("ignored", 0) + 1
            continue
        common = {
            "provider": event.provider,
            "provider_event_id": event.event_id,
            "occurred_at": event.occurred_at,
        }
        org = recipient.organization_id
        if event.kind in ("hard_bounce", "soft_bounce"):
            done = record_bounce(
                org,
                address,
                hard=event.kind == "hard_bounce",
                recipient_id=recipient.id,
                detail={"reason": event.detail[:500]},
                **common,
            )
        elif event.kind == "complaint":
            done = record_complaint(org, address, recipient_id=recipient.id, **common)
        else:
            kind = EngagementKind.REPLIED if event.kind == "replied" else EngagementKind.DELIVERED
            done = record_engagement(org, kind, address=address, recipient=recipient, **common)
        key = event.kind if done is not None else "ignored"
        counts[key] = counts.get(key, 0) + 1
    return counts
