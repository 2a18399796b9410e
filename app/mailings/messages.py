"""One recipient's message: the campaign's parts rendered through the one template renderer
(``app.outreach.templates``: sandboxed, a missing merge field refused, never "Hi ,"), the
honest headers, the unsubscribe headers of RFC 8058, the postal address, the preheader, the
open pixel and the signed click links."""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.utils import formataddr, formatdate
from html import escape
from typing import Any

from app.mailings.links import pixel_url, recipient_token, track_links, unsubscribe_url
from app.mailings.merge import Target
from app.mailings.models import EmailCampaign
from app.outreach.senders import PreparedEmail, build_email
from app.outreach.templates import render


@dataclass(frozen=True)
class Snapshot:
    """What rendering reads of a campaign, copied once per batch (a committed ORM object
    would be read again from the database at each message)."""

    id: int
    name: str
    subject: str
    preheader: str
    html_body: str
    text_body: str
    from_name: str
    from_address: str
    reply_to: str

    @classmethod
    def of(cls, campaign: EmailCampaign) -> Snapshot:
        return cls(**{name: getattr(campaign, name) for name in cls.__dataclass_fields__})


Source = EmailCampaign | Snapshot


@dataclass(frozen=True)
class Rendered:
    subject: str
    preheader: str
    html: str
    text: str
    headers: dict[str, str]


def render_message(
    campaign: Source, target: Target, fields: dict[str, Any], *, track: bool = True
) -> Rendered:
    """The message ``target`` gets. ``fields`` are the shared and personal merge fields;
    the unsubscribe link is added here. A preview (recipient 0) has no tracking."""
    token = recipient_token(target.recipient_id)
    unsubscribe = unsubscribe_url(token)
    fields = {**fields, "email": target.address, "unsubscribe_url": unsubscribe}
    subject = render(campaign.subject, fields, field="subject").strip()
    preheader = render(campaign.preheader, fields, field="preheader") if campaign.preheader else ""
    text = render(campaign.text_body, fields, field="text_body")
    html = render(campaign.html_body, fields, field="html_body", html=True)
    postal = fields.get("postal_address", "")
    text = f"{text.rstrip()}\n\n--\n{postal}\nUnsubscribe or choose what you get: {unsubscribe}\n"
    if html:
        if track and target.recipient_id:
            html = track_links(html, campaign.id, target.recipient_id, token)
        html = _html_document(
            html,
            preheader,
            postal,
            unsubscribe,
            pixel_url(token) if track and target.recipient_id else None,
        )
    return Rendered(subject, preheader, html, text, _headers(campaign, target, token))


def _html_document(
    body: str, preheader: str, postal: str, unsubscribe: str, pixel: str | None
) -> str:
    hidden = (
        f'<div style="display:none;max-height:0;overflow:hidden">{escape(preheader)}</div>'
        if preheader
        else ""
    )
    footer = (
        f'<p style="font-size:12px;color:#555">{escape(postal)}<br>'
        f'<a href="{escape(unsubscribe)}">Unsubscribe or choose what you get</a></p>'
    )
    image = f'<img src="{escape(pixel)}" width="1" height="1" alt="">' if pixel else ""
    return f"<!DOCTYPE html><html><body>{hidden}{body}{footer}{image}</body></html>"


def _headers(campaign: Source, target: Target, token: str) -> dict[str, str]:
    domain = campaign.from_address.rpartition("@")[2] or "localhost"
    headers = {
        "Date": formatdate(localtime=False),
        # The same for every try of this recipient: a resend after a crash is recognisable.
        "Message-ID": f"<c{campaign.id}.r{target.recipient_id}.{token.partition('.')[2]}@{domain}>",
        # RFC 8058: one https URI, and the POST key; the provider's DKIM signs both.
        "List-Unsubscribe": f"<{unsubscribe_url(token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-ID": f"{campaign.name} <campaign-{campaign.id}.{domain}>",
        # Where bounce and complaint webhooks find the recipient again (docs/outreach.md):
        "X-Doorstep-Recipient": token,
        "X-PM-Metadata-doorstep": token,  # Postmark keeps it as Metadata
        "X-SMTPAPI": json.dumps({"unique_args": {"doorstep": token}}),  # SendGrid's custom args
    }
    if campaign.reply_to:
        headers["Reply-To"] = campaign.reply_to
    return headers


def as_email(campaign: Source, target: Target, rendered: Rendered) -> PreparedEmail:
    return build_email(
        sender=formataddr((campaign.from_name, campaign.from_address)),
        to=target.address,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html or None,
        headers=rendered.headers,
    )
