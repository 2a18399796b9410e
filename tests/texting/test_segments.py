"""Segments counted before sending: GSM-7 (160 in one, 153 a part; extension characters take
two and never straddle parts) and UCS-2 (70 in one, 67 a part; emoji take two units)."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

from app.config import ConfigError, load_config
from app.texting import segments
from app.texting.segments import GSM7, UCS2, count


@pytest.mark.parametrize(("text", "encoding", "units", "parts"), [
    ("", GSM7, 0, 1),
    ("a" * 160, GSM7, 160, 1),
    ("a" * 161, GSM7, 161, 2),
    ("a" * 306, GSM7, 306, 2),
    ("a" * 307, GSM7, 307, 3),
    ("€" * 80, GSM7, 160, 1),  # extension characters: two septets each
    ("€" * 81, GSM7, 162, 2),  # 76 per 153-septet part
    ("a" * 152 + "€" + "a" * 152, GSM7, 306, 3),  # the pair is never split: 152 + 153 + 1
    ("Café in Zürich: ñ, ü, à", GSM7, 23, 1),  # accents in the GSM alphabet
    ("It\u2019s", UCS2, 4, 1),  # a curly apostrophe makes the whole text UCS-2
    ("ł" * 70, UCS2, 70, 1),
    ("ł" * 71, UCS2, 71, 2),
    ("ł" * 134, UCS2, 134, 2),
    ("ł" * 135, UCS2, 135, 3),
    ("👋" * 35, UCS2, 70, 1),  # a surrogate pair each
    ("👋" * 36, UCS2, 72, 2),  # 33 pairs per 67-unit part
    ("ł" * 66 + "👋" + "ł" * 66, UCS2, 134, 3),  # the pair is never split: 66 + 67 + 1
])  # fmt: skip
def test_segments(text, encoding, units, parts):
    counted = count(text)
    assert (counted.encoding, counted.units, counted.segments) == (encoding, units, parts)


def test_cost_is_segments_times_the_setting():
    assert segments.cost(4, Decimal("0.0083")) == Decimal("0.0332")
    assert segments.cost(0, Decimal("0.0083")) == Decimal("0")


def test_the_module_examples_hold():
    assert doctest.testmod(segments).failed == 0


@pytest.mark.parametrize("raw", ["cheap", "-0.01", "NaN"])
def test_a_bad_segment_cost_stops_the_app_naming_the_setting(raw):
    with pytest.raises(ConfigError, match="DOORSTEP_SMS_SEGMENT_COST"):
        load_config({"DOORSTEP_SMS_SEGMENT_COST": raw})
    assert load_config({"DOORSTEP_SMS_SEGMENT_COST": "0.0079"})["DOORSTEP_SMS_SEGMENT_COST"] == (
        Decimal("0.0079")
    )
