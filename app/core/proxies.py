"""The client's address behind reverse proxies we trust, and only those.

``X-Forwarded-For`` is a list anyone can write. It is read only when the peer (REMOTE_ADDR) is
one of DOORSTEP_TRUSTED_PROXIES, and then from the right: each address added by a trusted proxy
is skipped, and the first one that is not a trusted proxy is the client. Anything a client wrote
further left is ignored, so a forged header neither hides an attacker from the sign-in throttle
nor frames someone else in the audit trail.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> list[Network]:
    """``["10.0.0.1", "192.168.0.0/16"]`` -> networks; raise ValueError naming a bad entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or CIDR range") from None
    return networks


def _is_trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: str | None, forwarded_for: str, networks: list[Network]) -> str | None:
    """The client's address: ``peer`` unless it is a trusted proxy that forwarded for someone.

    >>> nets = parse_networks(["10.0.0.0/8"])
    >>> client_address("10.0.0.2", "6.6.6.6, 203.0.113.7, 10.0.0.9", nets)
    '203.0.113.7'
    >>> client_address("198.51.100.1", "203.0.113.7", nets)
    '198.51.100.1'
    """
    if not peer or not _is_trusted(peer, networks) or not forwarded_for.strip():
        return peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        if not hop or not _is_valid(hop):
            return peer  # a garbled header: keep the address we know
        if not _is_trusted(hop, networks):
            return hop
    return peer


def _is_valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


class TrustedProxies:
    """WSGI middleware: REMOTE_ADDR (and the scheme, from X-Forwarded-Proto) as the trusted
    proxy says, when the peer is one; werkzeug's ProxyFix trusts the last N hops of anyone."""

    def __init__(self, wsgi_app: Callable, networks: list[Network]):
        self.wsgi_app = wsgi_app
        self.networks = networks

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Any:
        peer = environ.get("REMOTE_ADDR")
        if peer and _is_trusted(peer, self.networks):
            environ["REMOTE_ADDR"] = client_address(
                peer, environ.get("HTTP_X_FORWARDED_FOR", ""), self.networks
            )
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in {"http", "https"}:
                environ["wsgi.url_scheme"] = proto
        return self.wsgi_app(environ, start_response)
