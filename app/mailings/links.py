"""The links in a campaign's messages, signed with the server's key so nobody can forge them
(``app.core.links.sign``, the one signer of our links): the recipient's token (unsubscribe,
preferences, the open pixel), and click links whose signature covers the campaign, the
recipient and the URL, so ``/m/c/...`` cannot be used to send anyone anywhere else (no open
redirect)."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from app.core.links import is_signed, public_url, sign

_HREF = re.compile(r'href="(https?://[^"]+)"', re.IGNORECASE)


_PURPOSE = "mailings"


def recipient_token(recipient_id: int) -> str:
    """``<id>.<signature>``: opaque enough, and unforgeable (RFC 8058 asks for that)."""
    return f"{recipient_id}.{sign(_PURPOSE, f'r:{recipient_id}')}"


def recipient_of(token: str) -> int | None:
    """The recipient id a token names, or None when it is not one we signed."""
    head, _, signature = token.partition(".")
    if not head.isdigit() or not signature:
        return None
    return int(head) if is_signed(_PURPOSE, f"r:{int(head)}", signature) else None


def unsubscribe_url(token: str) -> str:
    return public_url(f"/u/{token}")


def pixel_url(token: str) -> str:
    return public_url(f"/m/o/{token}.gif")


def click_signature(campaign_id: int, recipient_id: int, url: str) -> str:
    return sign(_PURPOSE, f"c:{campaign_id}:{recipient_id}:{url}")


def click_url(campaign_id: int, recipient_id: int, token: str, url: str) -> str:
    signature = click_signature(campaign_id, recipient_id, url)
    return public_url(f"/m/c/{token}?u={quote(url, safe='')}&s={signature}")


def is_signed_click(campaign_id: int, recipient_id: int, url: str, signature: str) -> bool:
    if urlsplit(url).scheme not in ("http", "https"):
        return False
    return is_signed(_PURPOSE, f"c:{campaign_id}:{recipient_id}:{url}", signature)


def track_links(html: str, campaign_id: int, recipient_id: int, token: str) -> str:
    """Every http(s) link in ``html`` through the signed click redirect, but our own
    unsubscribe link (a click on it is an unsubscribe, counted there)."""
    own = unsubscribe_url(token)

    def rewrite(match: re.Match[str]) -> str:
        url = match.group(1).replace("&amp;", "&")
        if url == own:
            return match.group(0)
        tracked = click_url(campaign_id, recipient_id, token, url).replace("&", "&amp;")
        return f'href="{tracked}"'

    return _HREF.sub(rewrite, html)
