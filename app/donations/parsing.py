"""Reading money and dates as processors and banks write them: exactly, never through a float.

>>> parse_cents("$1,234.56"), parse_cents("1234.5"), parse_cents("(12.00)"), parse_cents("-$5")
(123456, 123450, -1200, -500)
>>> parse_day("2020-01-01 04:33:42", ZoneInfo("America/New_York"), ZoneInfo("America/Denver"))
datetime.date(2019, 12, 31)
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

__all__ = ["DayError", "MoneyError", "parse_cents", "parse_day"]

# An optional sign (before or after the dollar sign), digits with or without thousands
# commas (in their places), and an optional fraction.
_AMOUNT = re.compile(
    r"^(?P<sign>-)?\$?(?P<sign2>-)?(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)"
    r"(?:\.(?P<fraction>[0-9]+))?$"
)
_MAX_CENTS = 10**15  # far past any gift; keeps a typo from overflowing a bigint


class MoneyError(ValueError):
    """Not an amount of dollars and cents (the message says why)."""


class DayError(ValueError):
    """Not a date in a form we read."""


def parse_cents(text: str) -> int:
    """Dollars-and-cents text as signed integer cents, exactly.

    Accepts ``1234``, ``1234.5``, ``1,234.56``, ``$1,234.56``, ``-12.00``, ``$-12``, and an
    accountant's ``(12.00)`` for minus. Refuses fractions of a cent, misplaced commas,
    exponents and anything else.
    """
    value = text.strip()
    negative = False
    if value.startswith("(") and value.endswith(")"):
        value, negative = value[1:-1].strip(), True
    match = _AMOUNT.match(value)
    if match is None or not (match["whole"] or match["fraction"]):
        raise MoneyError(f"not an amount of dollars and cents: {text!r}")
    if match["sign"] and match["sign2"]:
        raise MoneyError(f"two minus signs: {text!r}")
    negative = negative != bool(match["sign"] or match["sign2"])
    amount = Decimal((match["whole"] or "0").replace(",", "") + "." + (match["fraction"] or "0"))
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise MoneyError(f"a fraction of a cent: {text!r}")
    if cents >= _MAX_CENTS:
        raise MoneyError(f"too large an amount: {text!r}")
    return -int(cents) if negative else int(cents)


# Forms read, tried in order. Month before day: these are US exports.
_DAY_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%m-%d-%Y",
    "%Y/%m/%d",
    "%Y%m%d",
)
_DATETIME_FORMATS = (
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %I:%M %p",
)


def parse_day(text: str, source: ZoneInfo, zone: ZoneInfo) -> date:
    """The day, in ``zone`` (the campaign's), of a date or timestamp.

    A plain date is that day. A timestamp is read in ``source`` (the processor's own time
    zone) unless it carries an offset, then converted to ``zone``: a gift at 11:30 pm in New
    York is the next day's nowhere, but the same day's in Denver.
    """
    value = text.strip()
    if not value:
        raise DayError("missing date")
    moment = _moment(value)
    if moment is None:
        for fmt in _DAY_FORMATS:
            try:
                day = datetime.strptime(value, fmt).date()
            except ValueError:
                continue
            return _checked(day, text)
        for fmt in _DATETIME_FORMATS:
            try:
                moment = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
        else:
            raise DayError(f"not a date: {text!r}")
    if isinstance(moment, date) and not isinstance(moment, datetime):
        return _checked(moment, text)
    if moment.tzinfo is None:
        if source == zone:
            return _checked(moment.date(), text)
        moment = moment.replace(tzinfo=source)
    return _checked(moment.astimezone(zone).date(), text)


def _moment(value: str) -> datetime | date | None:
    """ISO 8601 (``2026-03-01``, ``2026-03-01 04:33:42``, ``2026-03-01T04:33:42-05:00``)."""
    if len(value) < 10 or value[4] != "-":
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _checked(day: date, text: str) -> date:
    if not 1900 <= day.year <= 2100:
        raise DayError(f"not a plausible date: {text!r}")
    return day
