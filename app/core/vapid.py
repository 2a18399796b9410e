"""VAPID keys (RFC 8292): the campaign server's identity toward the push services. Pure
crypto, no database: the config reads it at start-up and `doorstep push keys` makes keys."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_vapid_keys() -> tuple[str, str]:
    """A new key pair: (private key, public key), both base64url as the browsers take them
    (the private key is the raw 32-byte scalar, the public one the uncompressed point)."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return _b64(private), _public(key)


def vapid_public_key(private_key: str) -> str:
    """The public key (the PWA's applicationServerKey) of a base64url private key."""
    try:
        raw = _unb64(private_key.strip())
    except (ValueError, TypeError) as exc:
        raise ValueError("not base64url") from exc
    if len(raw) != 32:
        raise ValueError("expected 32 bytes (base64url, as `doorstep push keys` prints)")
    return _public(ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1()))


def _public(key: ec.EllipticCurvePrivateKey) -> str:
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64(point)
