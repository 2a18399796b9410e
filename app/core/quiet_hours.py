"""Quiet hours (``DOORSTEP_QUIET_HOURS``, 21:00-08:00 unless set): no reminder, text or
follow-up reaches anybody in these hours of their own time zone.

One place for the rule, read by events (reminders, notices), texting (peer-to-peer and
broadcast texts, in the recipient's zone) and automation (follow-up messages).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from app.config import parse_quiet_hours


def quiet_until(at: datetime, zone: ZoneInfo) -> datetime | None:
    """When the quiet hours around ``at`` end (in ``zone``), or None when ``at`` is outside
    them."""
    hours = parse_quiet_hours(current_app.config["DOORSTEP_QUIET_HOURS"])
    if hours is None:
        return None
    start, end = hours
    local = at.astimezone(zone)
    now = local.time()
    if start < end:  # "01:00-06:00"
        inside, end_day = start <= now < end, local.date()
    else:  # wraps past midnight: "21:00-08:00"
        inside = now >= start or now < end
        end_day = local.date() + timedelta(days=1) if now >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, zone).astimezone(UTC)


def quiet_until_everywhere(at: datetime, zones: Iterable[ZoneInfo]) -> datetime | None:
    """When it is outside quiet hours in every one of ``zones`` (a number whose area code
    spans two zones waits for both), or None when it already is at ``at``."""
    zones = list(zones)
    moment = at
    for _ in range(len(zones) + 1):  # each step leaves one zone's quiet hours for good
        ends = [end for zone in zones if (end := quiet_until(moment, zone)) is not None]
        if not ends:
            return None if moment == at else moment
        moment = max(ends)
    return moment
