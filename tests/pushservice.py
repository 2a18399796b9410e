"""A loopback stand-in for a Web Push service (RFC 8030) that checks what a real one checks:
the VAPID header (RFC 8292: an ES256 JWT for this origin, not expired, with a contact, signed
by the key it names) and the aes128gcm body (RFC 8291), which it decrypts with the browser's
keys. It answers 201, or 410/404 for subscriptions it was told are gone."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """What a browser keeps for one subscription: its keys and the endpoint."""

    token: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    def subscription(self) -> dict[str, Any]:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64(point), "auth": b64(self.auth)}}


@dataclass
class Received:
    token: str
    payload: dict[str, Any]
    headers: dict[str, str]
    claims: dict[str, Any]


@dataclass
class PushService:
    expected_key: str  # the server's VAPID public key, base64url
    port: int = 0
    browsers: dict[str, Browser] = field(default_factory=dict)
    gone: dict[str, int] = field(default_factory=dict)  # token -> 404 or 410
    received: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why a request was turned away

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def new_browser(self) -> Browser:
        token = b64(os.urandom(12))
        browser = Browser(token, f"{self.origin}/push/{token}",
                          ec.generate_private_key(ec.SECP256R1()), os.urandom(16))  # fmt: skip
        self.browsers[token] = browser
        return browser

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> int:
        token = path.rsplit("/", 1)[-1]
        if token in self.gone:
            return self.gone[token]
        browser = self.browsers.get(token)
        if browser is None:
            return 404
        problem, claims = self._check_vapid(headers.get("authorization", ""))
        if problem is None and headers.get("content-encoding") != "aes128gcm":
            problem = "content encoding is not aes128gcm"
        if problem is None and not headers.get("ttl", "").isdigit():
            problem = "no TTL header"
        if problem:
            self.refused.append(problem)
            return 403 if "vapid" in problem else 400
        try:
            clear = http_ece.decrypt(body, private_key=browser.private_key,
                                     auth_secret=browser.auth, version="aes128gcm")  # fmt: skip
        except Exception as exc:
            self.refused.append(f"cannot decrypt: {exc}")
            return 400
        self.received.append(Received(token, json.loads(clear), headers, claims))
        return 201

    def _check_vapid(self, authorization: str) -> tuple[str | None, dict[str, Any]]:
        scheme, _, params = authorization.partition(" ")
        if scheme != "vapid":
            return "vapid: not the vapid scheme", {}
        parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
        token, key = parts.get("t", ""), parts.get("k", "")
        if key != self.expected_key:
            return "vapid: signed with another key", {}
        try:
            head, claims_part, signature = token.split(".")
            header = json.loads(unb64(head))
            claims = json.loads(unb64(claims_part))
            raw = unb64(signature)
            public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
            public.verify(
                encode_dss_signature(int.from_bytes(raw[:32], "big"),
                                     int.from_bytes(raw[32:], "big")),
                f"{head}.{claims_part}".encode(),
                ec.ECDSA(hashes.SHA256()),
            )  # fmt: skip
        except (ValueError, InvalidSignature) as exc:
            return f"vapid: bad token ({exc.__class__.__name__})", {}
        if header.get("alg") != "ES256":
            return "vapid: not ES256", claims
        if claims.get("aud") != self.origin:
            return f"vapid: audience {claims.get('aud')!r}", claims
        if not time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600:
            return "vapid: expiry out of range", claims
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            return "vapid: no contact", claims
        return None, claims


def start(expected_key: str) -> tuple[PushService, ThreadingHTTPServer]:
    service = PushService(expected_key)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status = service.handle(self.path, headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service, server
