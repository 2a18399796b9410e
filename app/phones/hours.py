"""Calling hours: a person is called only when it is within ``DOORSTEP_CALLING_HOURS``
(8am-9pm by default) in every time zone they may be in.

Where somebody is comes from two places, and both count: the number's area code (the
``phonenumbers`` library's zones for its prefix; a mobile number keeps the area code of
wherever it was bought) and their address (the campaign's own time zone: its voters live in
its district). A person with neither is called in the campaign's hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app

from app.config import parse_calling_hours
from app.core.contact import number_time_zones


def person_zones(number: str | None, has_address: bool, campaign_zone: str) -> list[str]:
    """Every zone the person may be in: the number's and, with an address, the campaign's."""
    zones = set(number_time_zones(number)) if number else set()
    if has_address or not zones:
        zones.add(campaign_zone)
    return sorted(zones)


def open_zones(zones: Iterable[str], now: datetime) -> list[str]:
    """The zones where it is calling hours at ``now``."""
    start, end = parse_calling_hours(current_app.config["DOORSTEP_CALLING_HOURS"])
    return sorted(z for z in set(zones) if start <= now.astimezone(_zone(z)).time() < end)


def local_time(zones: list[str], now: datetime) -> str:
    """The person's time of day as the caller sees it ("7:42 PM"; a range across zones)."""
    local = sorted((now.astimezone(_zone(z)) for z in zones), key=lambda t: t.replace(tzinfo=None))
    return " / ".join(dict.fromkeys(t.strftime("%-I:%M %p") for t in local))


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
