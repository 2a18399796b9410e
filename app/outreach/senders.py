"""Senders behind one interface. The log sender is the default; SMTP and Web Push when
configured."""

from __future__ import annotations

import logging
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Protocol

import requests
from flask import current_app
from pywebpush import WebPushException, webpush

from app.extensions import db
from app.outreach.models import Channel, OutboundMessage, PushSubscription

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The channel refused or failed; the message stays in the outbox for another try."""


class RecipientGone(DeliveryError):
    """The recipient is gone for good (a push subscription the service dropped): no retry."""


class Sender(Protocol):
    def send(self, message: OutboundMessage) -> None: ...


class LogSender:
    """Writes the message to the log instead of sending it (development, demos)."""

    def send(self, message: OutboundMessage) -> None:
        log.info(
            "outbox %s message %s to %s (not sent: no %s sender configured)\n%s\n%s",
            message.channel,
            message.id,
            message.recipient,
            message.channel,
            message.subject or "",
            message.body,
        )


class SmtpSender:
    def __init__(
        self, host: str, port: int, *, user: str, password: str, starttls: bool, sender: str
    ):
        self.host, self.port = host, port
        self.user, self.password = user, password
        self.starttls, self.sender = starttls, sender

    def send(self, message: OutboundMessage) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.recipient
        email["Subject"] = message.subject or ""
        email.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=20) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP delivery failed: {exc}") from exc


class WebPushSender:
    """Encrypts (aes128gcm) and posts to the subscription's push service, signed with the
    campaign's VAPID key. 404/410 from the service: the subscription is deleted."""

    #: How long the push service keeps a message for a phone that is offline.
    TTL_SECONDS = 24 * 3600

    def __init__(self, private_key: str, subject: str):
        self.private_key, self.subject = private_key, subject

    def send(self, message: OutboundMessage) -> None:
        subscription = db.session.get(PushSubscription, int(message.recipient))
        if subscription is None:
            raise RecipientGone("The browser turned notifications off.")
        info = {
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        }
        try:
            webpush(
                info,
                data=message.body,
                vapid_private_key=self.private_key,
                vapid_claims={"sub": self.subject},  # a new dict: webpush adds aud and exp
                ttl=self.TTL_SECONDS,
                timeout=20,
                headers={"Urgency": "normal"},
            )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status in (404, 410):
                db.session.delete(subscription)
                raise RecipientGone(f"The push service no longer knows it ({status}).") from exc
            raise DeliveryError(f"Push delivery failed ({status}): {exc.message}") from exc
        except requests.RequestException as exc:
            raise DeliveryError(f"Push service unreachable: {exc}") from exc
        subscription.last_sent_at = datetime.now(UTC)


def sender_for(channel: Channel) -> Sender:
    config = current_app.config
    if channel is Channel.PUSH and config["DOORSTEP_VAPID_PRIVATE_KEY"]:
        return WebPushSender(config["DOORSTEP_VAPID_PRIVATE_KEY"], config["DOORSTEP_VAPID_SUBJECT"])
    if channel is Channel.EMAIL and config["DOORSTEP_SMTP_HOST"]:
        return SmtpSender(
            config["DOORSTEP_SMTP_HOST"],
            config["DOORSTEP_SMTP_PORT"],
            user=config["DOORSTEP_SMTP_USER"],
            password=config["DOORSTEP_SMTP_PASSWORD"],
            starttls=config["DOORSTEP_SMTP_STARTTLS"],
            sender=config["DOORSTEP_MAIL_FROM"],
        )
    return LogSender()
