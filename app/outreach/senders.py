"""Senders behind one interface. The log sender is the default; SMTP when configured."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Protocol

from flask import current_app

from app.outreach.models import Channel, OutboundMessage

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The channel refused or failed; the message stays in the outbox for another try."""


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


def sender_for(channel: Channel) -> Sender:
    config = current_app.config
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
