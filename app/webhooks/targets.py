"""Where a webhook may go, and the one POST that goes there.

In production (``DOORSTEP_WEBHOOK_ALLOW_PRIVATE`` off, its default there) a subscription's URL
is https and names a host whose every address is public: no loopback, private, link-local
(cloud metadata), shared or reserved range, so a campaign admin cannot make the server call
into its own network (SSRF). The address is checked again at each delivery and the connection
goes to the address that was checked (a DNS answer that changes in between gains nothing), and
redirects are never followed. In development and tests (the setting on) http is allowed too,
for a receiver on the machine itself.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.core.errors import ValidationError

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
MAX_URL_LENGTH = 2000


class TargetRefused(Exception):
    """The URL may not be called (its address is not public, or it does not resolve)."""


@dataclass(frozen=True)
class Response:
    status: int
    body: str


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, fields={"url": [message]})


def check_url(url: str, *, allow_private: bool) -> str:
    """The URL as given when a subscription may use it; else the error shape naming ``url``."""
    if len(url) > MAX_URL_LENGTH:
        raise _refuse(f"A URL is at most {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise _refuse("Not a URL.") from exc
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise _refuse("Give an https:// URL.")
    if parts.username or parts.password:
        raise _refuse("Put no user name or password in the URL; the signature authenticates.")
    if parts.scheme == "http" and not (allow_private and host in LOCAL_HOSTS):
        raise _refuse("Give an https:// URL (http is for a receiver on this machine in tests).")
    if not allow_private:
        try:
            resolve(host, parts.port or 443, allow_private=False)
        except TargetRefused as exc:
            raise _refuse(str(exc)) from exc
    return url


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to: the first the name resolves to, all of them public unless
    ``allow_private``."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise TargetRefused(f"The host {host} does not resolve.") from exc
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise TargetRefused(f"The host {host} does not resolve.")
    if not allow_private and not all(_is_public(a) for a in addresses):
        raise TargetRefused(f"The host {host} is not on the public internet.")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    allow_private: bool,
    max_response_bytes: int = 1000,
) -> Response:
    """POST ``body`` to ``url`` (pinned to the checked address); the status and the first
    ``max_response_bytes`` of the answer. Raises TargetRefused, OSError (refused, reset,
    timed out) or http.client.HTTPException."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve(host, port, allow_private=allow_private)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = kind(host, port, address, timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(max_response_bytes).decode("utf-8", "replace")
        return Response(response.status, text)
    finally:
        connection.close()
