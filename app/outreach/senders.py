"""Senders behind one interface. The log sender is the default (the outbox row is the record
of what would have gone out); SMTP, Web Push and Twilio when configured."""

from __future__ import annotations

import base64
import logging
import re
import secrets
import smtplib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import Header
from email.utils import formataddr, parseaddr
from functools import lru_cache
from typing import Protocol

import requests
from flask import current_app
from pywebpush import WebPushException, webpush

from app.core.signals import sms_recipient_stopped
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
        if message.channel is Channel.EMAIL and message.attachments:
            names = [a.filename for a in message.attachments]
            log.info("outbox message %s carries attachments: %s", message.id, names)

    @contextmanager
    def session(self) -> Iterator[Deliver]:
        def deliver(email: PreparedEmail) -> None:
            log.info("email to %s (not sent: no SMTP server configured): %s",
                     email["To"], email["Subject"])  # fmt: skip

        yield deliver


@dataclass(frozen=True)
class PreparedEmail:
    """An email ready for the wire: the envelope, the headers as written, the bytes."""

    envelope_from: str
    to: str
    headers: dict[str, str]
    data: bytes

    def __getitem__(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass(frozen=True)
class Attachment:
    """A file attached to an email (``application/pdf`` ...)."""

    filename: str
    content_type: str
    data: bytes


def build_email(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
    attachments: Sequence[Attachment] = (),
) -> PreparedEmail:
    """One email: plain text, or multipart/alternative text + HTML, with extra headers
    (Reply-To, Message-ID, List-Unsubscribe ...), written out directly (a campaign writes one
    per recipient, and the email package's generator costs more than all the rest). Header
    values lose any line break (no header injection from a merge field); one that is not
    ASCII is encoded (RFC 2047). Bodies are UTF-8 in base64. With attachments the message is
    multipart/mixed: the body first, then each file in base64."""
    written, address = _sender(sender)
    head = {
        "From": written,
        "To": _header(to),
        "Subject": _header(subject),
        "MIME-Version": "1.0",
    }
    head.update({key: _header(value) for key, value in (headers or {}).items()})
    content, body = _body(text, html)
    if attachments:
        boundary = f"=_{secrets.token_hex(16)}"
        parts = [_lines(content) + "\r\n\r\n" + body]
        parts += [_attachment_part(attachment) for attachment in attachments]
        content = {"Content-Type": f'multipart/mixed; boundary="{boundary}"'}
        body = "".join(f"--{boundary}\r\n{part}" for part in parts) + f"--{boundary}--\r\n"
    head.update(content)
    data = (_lines(head) + "\r\n\r\n" + body).encode("ascii")
    return PreparedEmail(address, to, head, data)


def _body(text: str, html: str | None) -> tuple[dict[str, str], str]:
    """The text (or text and HTML) part: its headers and its encoded body."""
    if html is None:
        return _part_headers("plain"), _encoded(text)
    boundary = f"=_{secrets.token_hex(16)}"
    parts = [
        f"--{boundary}\r\n" + _lines(_part_headers(subtype)) + "\r\n\r\n" + _encoded(part)
        for subtype, part in (("plain", text), ("html", html))
    ]
    content = {"Content-Type": f'multipart/alternative; boundary="{boundary}"'}
    return content, "".join(parts) + f"--{boundary}--\r\n"


#: What a file's name and type keep on the wire (nothing that could end a quoted header value).
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]")
_CONTENT_TYPE = re.compile(r"^[a-z0-9.+-]+/[a-z0-9.+-]+$")


def _attachment_part(attachment: Attachment) -> str:
    name = _UNSAFE_NAME.sub("_", attachment.filename).strip() or "attachment"
    kind = attachment.content_type.lower()
    if not _CONTENT_TYPE.match(kind):
        kind = "application/octet-stream"
    headers = {
        "Content-Type": f'{kind}; name="{name}"',
        "Content-Disposition": f'attachment; filename="{name}"',
        "Content-Transfer-Encoding": "base64",
    }
    data = base64.encodebytes(attachment.data).decode("ascii").replace("\n", "\r\n")
    return _lines(headers) + "\r\n\r\n" + data


@lru_cache(maxsize=64)
def _sender(sender: str) -> tuple[str, str]:
    """The From header as written (a name that is not ASCII encoded) and the bare address."""
    name, address = parseaddr(sender)
    return (formataddr((name, address)) if name else address), address


def _part_headers(subtype: str) -> dict[str, str]:
    return {
        "Content-Type": f'text/{subtype}; charset="utf-8"',
        "Content-Transfer-Encoding": "base64",
    }


def _lines(headers: Mapping[str, str]) -> str:
    return "\r\n".join(f"{name}: {value}" for name, value in headers.items())


def _encoded(text: str) -> str:
    return base64.encodebytes(text.encode()).decode("ascii").replace("\n", "\r\n")


def _header(value: str) -> str:
    value = " ".join(value.splitlines())
    return value if value.isascii() else Header(value, "utf-8").encode(linesep="\r\n")


#: Sends one prepared email over an open connection (``session()``).
Deliver = Callable[[PreparedEmail], None]


class SmtpSender:
    def __init__(
        self, host: str, port: int, *, user: str, password: str, starttls: bool, sender: str
    ):
        self.host, self.port = host, port
        self.user, self.password = user, password
        self.starttls, self.sender = starttls, sender

    def send(self, message: OutboundMessage) -> None:
        files = [Attachment(a.filename, a.content_type, a.data) for a in message.attachments]
        email = build_email(sender=self.sender, to=message.recipient,
                            subject=message.subject or "", text=message.body,
                            attachments=files)  # fmt: skip
        with self.session() as deliver:
            deliver(email)

    def _connect(self) -> smtplib.SMTP:
        smtp = smtplib.SMTP(self.host, self.port, timeout=20)
        if self.starttls:
            smtp.starttls()
        if self.user:
            smtp.login(self.user, self.password)
        return smtp

    @contextmanager
    def session(self) -> Iterator[Deliver]:
        """One connection for many messages (a campaign's batch); a dropped connection is
        opened again once per message. A 5xx for the recipient is ``RecipientGone``."""
        smtp: smtplib.SMTP | None = None

        def deliver(email: PreparedEmail) -> None:
            nonlocal smtp
            for attempt in (1, 2):
                try:
                    if smtp is None:
                        smtp = self._connect()
                    smtp.sendmail(email.envelope_from, [email.to], email.data)
                    return
                except smtplib.SMTPRecipientsRefused as exc:
                    codes = [code for code, _ in exc.recipients.values()]
                    if codes and all(code >= 500 for code in codes):
                        raise RecipientGone(
                            f"The mail server refused the address: {codes}"
                        ) from exc
                    raise DeliveryError(f"SMTP refused the recipient for now: {codes}") from exc
                except smtplib.SMTPServerDisconnected as exc:
                    smtp = None
                    if attempt == 2:
                        raise DeliveryError(f"SMTP delivery failed: {exc}") from exc
                except (OSError, smtplib.SMTPException) as exc:
                    _close(smtp)
                    smtp = None
                    raise DeliveryError(f"SMTP delivery failed: {exc}") from exc

        try:
            yield deliver
        finally:
            _close(smtp)


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


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


class TwilioSender:
    """Texts through Twilio's Messages API (or a provider that speaks it). 5xx and timeouts
    are retried; a recipient who replied STOP (21610) or a number that cannot take texts
    (21211) is gone for good, and the STOP marks the phone do-not-contact."""

    TIMEOUT_SECONDS = 20
    STOPPED, INVALID_NUMBER = 21610, 21211

    def __init__(self, base_url: str, account_sid: str, auth_token: str, sender: str):
        self.url = f"{base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = (account_sid, auth_token)
        self.sender = sender

    def send(self, message: OutboundMessage) -> None:
        form = {"To": message.recipient, "Body": message.body}
        # A Messaging Service (MG...) picks the number itself (10DLC campaigns use one).
        form["MessagingServiceSid" if self.sender.startswith("MG") else "From"] = self.sender
        try:
            response = requests.post(self.url, data=form, auth=self.auth,
                                     timeout=self.TIMEOUT_SECONDS)  # fmt: skip
        except requests.RequestException as exc:
            raise DeliveryError(f"SMS provider unreachable: {exc}") from exc
        if response.status_code < 300:
            return
        code = _twilio_code(response)
        if code == self.STOPPED:
            # People (a room above) opt the number out: app.people.sms listens.
            sms_recipient_stopped.send(message.recipient, organization_id=message.organization_id,
                                       reason="provider: recipient replied STOP")  # fmt: skip
            raise RecipientGone("The recipient replied STOP (21610).")
        if code == self.INVALID_NUMBER:
            raise RecipientGone("Not a number that takes texts (21211).")
        raise DeliveryError(f"SMS provider refused ({response.status_code}, code {code})")


def _twilio_code(response: requests.Response) -> int | None:
    try:
        return int(response.json().get("code"))
    except (ValueError, TypeError, AttributeError):
        return None


def email_sender() -> SmtpSender | LogSender:
    """The SMTP sender when a server is configured, else the log."""
    sender = sender_for(Channel.EMAIL)
    assert isinstance(sender, SmtpSender | LogSender)
    return sender


def sender_for(channel: Channel) -> Sender:
    config = current_app.config
    if channel is Channel.SMS and config["DOORSTEP_SMS_PROVIDER"] == "twilio":
        return TwilioSender(
            config["DOORSTEP_TWILIO_BASE_URL"],
            config["DOORSTEP_TWILIO_ACCOUNT_SID"],
            config["DOORSTEP_TWILIO_AUTH_TOKEN"],
            config["DOORSTEP_TWILIO_FROM"],
        )
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
