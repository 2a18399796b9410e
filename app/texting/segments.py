"""How many SMS segments a text takes, and what it costs, counted before it is sent.

A text whose every character is in the GSM 03.38 alphabet is sent in GSM-7: 160 characters
in one segment, else 153 per segment (the rest of each is the header that joins them); the
extension characters (``^{}\\[~]|€`` and form feed) take two. Any other character (an emoji,
a curly quote, most accented letters) sends the whole text in UCS-2: 70 code units in one
segment, else 67 per segment. A character is never split across two segments.

>>> count("Hi Rosa, it's Sam with the campaign.").segments
1
>>> count("x" * 161).segments, count("x" * 306).segments, count("x" * 307).segments
(2, 2, 3)
>>> count("Hi 👋").encoding, count("é" * 70).encoding
('ucs2', 'gsm7')
>>> count("ł" * 70).segments, count("ł" * 71).segments
(1, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["GSM7", "UCS2", "Count", "cost", "count"]

GSM7, UCS2 = "gsm7", "ucs2"

_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENSION = "\f^{}\\[~]|€"
_SEPTETS = {**dict.fromkeys(_BASIC, 1), **dict.fromkeys(_EXTENSION, 2)}

#: (units in a single segment, units per segment of a longer text)
_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class Count:
    encoding: str  # gsm7 or ucs2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def _units(text: str) -> tuple[str, list[int]]:
    if all(char in _SEPTETS for char in text):
        return GSM7, [_SEPTETS[char] for char in text]
    # UTF-16: a character beyond the basic plane (most emoji) is a surrogate pair.
    return UCS2, [2 if ord(char) > 0xFFFF else 1 for char in text]


def count(text: str) -> Count:
    """The encoding, length and segments of ``text`` (an empty text is one segment)."""
    encoding, units = _units(text)
    single, per_part = _LIMITS[encoding]
    total = sum(units)
    if total <= single:
        return Count(encoding, total, 1)
    segments, filled = 1, 0
    for size in units:  # a two-unit character never straddles two segments
        if filled + size > per_part:
            segments, filled = segments + 1, 0
        filled += size
    return Count(encoding, total, segments)


def cost(segments: int, per_segment: Decimal) -> Decimal:
    """What ``segments`` cost at ``per_segment`` (to a hundredth of a cent).

    >>> cost(3, Decimal("0.0083"))
    Decimal('0.0249')
    """
    return (per_segment * segments).quantize(Decimal("0.0001"))
