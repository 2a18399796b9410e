"""Reads for directors: the knocks with how far from the door they were recorded, and each
canvasser's activity with the signs of made-up data flagged (DOMAIN.md, "Trust")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, text

from app.accounts.models import Organization, User
from app.canvass.signs import REPEAT_KNOCKS, REPEAT_SECONDS
from app.core.pagination import Page, paginate
from app.extensions import db
from app.knocks.models import DoorKnock, KnockStatus

#: Metres from the door: under GREEN is green, up to ORANGE orange, beyond red.
GREEN_M, ORANGE_M = 100, 300
#: A GPS fix less accurate than this says nothing ("no GPS").
USEFUL_ACCURACY_M = 100
#: Fraud signs: contact rate near 100 %, doors seconds apart, far from the doors, at night
#: (and, from ``signs``, one door knocked again and again in seconds).
HIGH_CONTACT_RATE, FEW_SECONDS, FAR_SHARE = 0.9, 20, 0.2
#: Below this many doors a rate says little.
MIN_DOORS_FOR_RATES = 10
KNOCK_SORTS = {"occurred_at": DoorKnock.occurred_at, "received_at": DoorKnock.received_at}


def gps_trust(distance_m: float | None, accuracy_m: float | None) -> str:
    """green, orange, red, or no_gps (no fix, or one worse than 100 m)."""
    if distance_m is None or accuracy_m is None or accuracy_m > USEFUL_ACCURACY_M:
        return "no_gps"
    if distance_m < GREEN_M:
        return "green"
    return "orange" if distance_m <= ORANGE_M else "red"


def list_knocks(organization_id: int, args: Mapping[str, Any]) -> Page:
    stmt = select(DoorKnock).where(DoorKnock.organization_id == organization_id)
    for name in ("walk_list_id", "user_id"):
        if args.get(name):
            stmt = stmt.where(getattr(DoorKnock, name) == args[name])
    if args.get("since"):
        stmt = stmt.where(DoorKnock.occurred_at >= args["since"])
    return paginate(stmt, args, sortable=KNOCK_SORTS,
                    default_order=[DoorKnock.occurred_at.desc(), DoorKnock.id.desc()])  # fmt: skip


KNOCK_FIELDS = (
    "id", "walk_list_id", "user_id", "address_id", "household_id", "result", "is_contact",
    "occurred_at", "client_at", "server_at", "received_at", "clock_skewed", "distance_m",
    "accuracy_m", "device_id", "notes",
)  # fmt: skip


def knock_row(knock: DoorKnock) -> dict[str, Any]:
    return {
        **{name: getattr(knock, name) for name in KNOCK_FIELDS},
        "status": knock.status.value,
        "gps": gps_trust(knock.distance_m, knock.accuracy_m),
    }


ACTIVITY = text(
    """
    WITH k AS (
      SELECT user_id, occurred_at, is_contact, distance_m, accuracy_m,
             keyed_by_id IS NULL AS in_app,
             extract(epoch FROM occurred_at - lag(occurred_at)
                     OVER (PARTITION BY user_id, keyed_by_id IS NULL ORDER BY occurred_at)) AS gap,
             extract(epoch FROM occurred_at - lag(occurred_at, :repeat_lag)
                     OVER (PARTITION BY user_id, keyed_by_id IS NULL, household_id
                           ORDER BY occurred_at)) AS repeat_span,
             extract(hour FROM occurred_at AT TIME ZONE :tz) AS hour
      FROM door_knocks
      WHERE organization_id = :org AND status = :applied AND occurred_at >= :since
        -- keyed from a sheet whose canvasser has no account: nobody's door work
        AND (keyed_by_id IS NULL OR canvasser_name = '')
    )
    -- A keyed knock's time is the sheet's: the signs read the app's knocks only.
    SELECT user_id,
           count(*) AS doors,
           count(*) FILTER (WHERE is_contact) AS contacts,
           count(*) FILTER (WHERE in_app) AS in_app,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) FILTER (WHERE in_app) AS median_gap,
           count(*) FILTER (WHERE accuracy_m <= :useful AND distance_m > :orange) AS far,
           count(*) FILTER (WHERE in_app AND (accuracy_m IS NULL OR accuracy_m > :useful
                                              OR distance_m IS NULL)) AS no_gps,
           count(*) FILTER (WHERE in_app AND (hour < 9 OR hour >= 21)) AS outside_hours,
           count(*) FILTER (WHERE in_app AND repeat_span <= :repeat_seconds) AS repeated,
           min(occurred_at) AS first_at, max(occurred_at) AS last_at
    FROM k GROUP BY user_id ORDER BY user_id
    """
)


def activity(organization_id: int, since: datetime) -> list[dict[str, Any]]:
    """Per canvasser since ``since``: doors, contacts, contact rate, the median time between
    doors, knocks far from the door or without GPS, knocks outside 9am-9pm, many knocks at
    one door in seconds, and flags."""
    tz = db.session.scalar(select(Organization.time_zone).where(Organization.id == organization_id))
    rows = db.session.execute(
        ACTIVITY,
        {"org": organization_id, "since": since, "tz": tz or "America/New_York",
         "applied": KnockStatus.APPLIED.value, "useful": USEFUL_ACCURACY_M, "orange": ORANGE_M,
         "repeat_lag": REPEAT_KNOCKS - 1, "repeat_seconds": REPEAT_SECONDS},
    ).all()  # fmt: skip
    users = select(User.id, User.name).where(User.id.in_([r.user_id for r in rows]))
    names = dict(db.session.execute(users).all())
    return [_activity_row(row, names.get(row.user_id, "")) for row in rows]


def _activity_row(row, name: str) -> dict[str, Any]:
    rate = row.contacts / row.doors if row.doors else 0.0
    located = row.in_app - row.no_gps
    flags = []
    if row.doors >= MIN_DOORS_FOR_RATES and rate >= HIGH_CONTACT_RATE:
        flags.append("contact_rate_high")
    if row.in_app >= MIN_DOORS_FOR_RATES and (row.median_gap or 0) < FEW_SECONDS:
        flags.append("doors_seconds_apart")
    if located and row.far / located > FAR_SHARE:
        flags.append("far_from_doors")
    if row.outside_hours:
        flags.append("outside_hours")
    if row.repeated:
        flags.append("door_knocked_repeatedly")
    return {
        "user_id": row.user_id,
        "name": name,
        "doors": row.doors,
        "contacts": row.contacts,
        "contact_rate": round(rate, 3),
        "median_seconds_between_doors": (
            round(row.median_gap, 1) if row.median_gap is not None else None
        ),
        "far_from_door": row.far,
        "no_gps": row.no_gps,
        "outside_hours": row.outside_hours,
        "first_at": row.first_at,
        "last_at": row.last_at,
        "flags": flags,
    }
