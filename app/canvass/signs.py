"""The signs that a sync batch's times or doors are not what the phone says (DOMAIN.md,
"Trust"): read from the batch's own knocks and the phone's clock offset at the sync, kept on
the batch (``SyncBatch.flags``) for a director's review.

A phone's clock is a claim: the knocks are put on our clock with the offset the phone showed
when it sent them (``sent_at``), and must then fall between the claim of their list and the
sync. A phone whose offset jumps from one sync to the next had its clock moved.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, text

from app.canvass.models import SyncBatch
from app.extensions import db

if TYPE_CHECKING:
    from app.canvass.checks import Context, Plan

__all__ = ["REPEAT_KNOCKS", "REPEAT_SECONDS", "batch_flags", "door_distances"]

#: Tolerance for a clock read over a network (and a phone's clock drifting within a shift).
SLACK = timedelta(minutes=2)
#: An offset that moves by more than this between two syncs of one phone: its clock was set.
CLOCK_JUMP = timedelta(minutes=10)
#: This many knocks at one door within this many seconds: a door "knocked" by a finger.
REPEAT_KNOCKS, REPEAT_SECONDS = 3, 60


def batch_flags(context: Context, plans: list[Plan]) -> list[str]:
    """The signs in one batch's new knocks, in a fixed order."""
    flags = []
    if any(p.server_at > context.now + SLACK for p in plans):
        flags.append("dated_after_sync")
    if any(_before_claim(context, p) for p in plans):
        flags.append("dated_before_claim")
    if context.offset is not None and _clock_jumped(context):
        flags.append("clock_changed")
    if _repeated_door(plans):
        flags.append("door_knocked_repeatedly")
    return flags


def _before_claim(context: Context, plan: Plan) -> bool:
    claimed = context.claimed.get(plan.walk_list.id) or plan.walk_list.created_at
    return plan.server_at < claimed - SLACK


def _clock_jumped(context: Context) -> bool:
    """The phone's offset is far from the one it showed at its last sync with a clock."""
    before = db.session.scalar(
        select(SyncBatch.clock_offset_s)
        .where(
            SyncBatch.user_id == context.user.id,
            SyncBatch.device_id == context.device_id,
            SyncBatch.clock_offset_s.is_not(None),
            SyncBatch.received_at < context.now,  # not this sync's own batches
        )
        .order_by(SyncBatch.received_at.desc(), SyncBatch.id.desc())
        .limit(1)
    )
    if before is None:
        return False
    return abs(context.offset - timedelta(seconds=before)) > CLOCK_JUMP


def _repeated_door(plans: list[Plan]) -> bool:
    """``REPEAT_KNOCKS`` knocks at one home inside ``REPEAT_SECONDS``."""
    times = defaultdict(list)
    for plan in plans:
        times[plan.stop.household_id].append(plan.server_at)
    window = timedelta(seconds=REPEAT_SECONDS)
    for moments in times.values():
        moments.sort()
        span = REPEAT_KNOCKS - 1
        if any(moments[i + span] - moments[i] <= window for i in range(len(moments) - span)):
            return True
    return False


def door_distances(plans: list[Plan]) -> dict[int, float]:
    """Metres from the phone to each door's point, for the records with a GPS fix."""
    located = [p for p in plans if p.record["gps"]]
    if not located:
        return {}
    rows = db.session.execute(
        text(
            "SELECT f.n, ST_Distance(a.point::geography,"
            " ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326)::geography)"
            " FROM unnest(CAST(:ns AS int[]), CAST(:ids AS bigint[]), CAST(:lons AS float8[]),"
            " CAST(:lats AS float8[])) AS f(n, address_id, lon, lat)"
            " JOIN addresses a ON a.id = f.address_id WHERE a.point IS NOT NULL"
        ),
        {
            "ns": [p.n for p in located],
            "ids": [p.stop.address_id for p in located],
            "lons": [p.record["gps"]["lon"] for p in located],
            "lats": [p.record["gps"]["lat"] for p in located],
        },
    )
    return dict(rows.all())
