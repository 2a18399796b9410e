"""A director's review of a canvasser's work, one sync batch at a time: hold it (its knocks
leave the histories, progress and universes until released), release it, or roll it back for
good. Nothing is deleted: the knocks stay with their status, the interactions stay voided, and
a rollback adds a note to each person's history saying what was undone, by whom and why."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, func, select, update
from sqlalchemy.dialects.postgresql import insert

from app.accounts.models import User
from app.audit.operations import record_audit
from app.canvass import effects
from app.canvass.models import Script, SyncBatch
from app.canvass.queries import gps_trust
from app.core.actor import Actor
from app.core.errors import Conflict, NotFound
from app.core.pagination import Page, paginate
from app.extensions import db
from app.knocks.models import DoorKnock, KnockStatus
from app.people.models import Interaction, InteractionKind

BATCH_SORTS = {"received_at": SyncBatch.received_at}


def list_batches(organization_id: int, args: dict[str, Any]) -> Page:
    stmt = select(SyncBatch).where(SyncBatch.organization_id == organization_id)
    if args.get("user_id"):
        stmt = stmt.where(SyncBatch.user_id == args["user_id"])
    if args.get("status"):
        stmt = stmt.where(SyncBatch.status == args["status"])
    if args.get("since"):
        stmt = stmt.where(SyncBatch.received_at >= args["since"])
    if not args.get("include_empty"):
        stmt = stmt.where(SyncBatch.applied > 0)
    return paginate(stmt, args, sortable=BATCH_SORTS,
                    default_order=[SyncBatch.received_at.desc(), SyncBatch.id.desc()])  # fmt: skip


def batch_rows(batches: list[SyncBatch]) -> list[dict[str, Any]]:
    """The batches as a director reviews them: who sent them, and how far from the doors
    their knocks were (counts of green, orange, red and no_gps, and the farthest)."""
    ids = [b.id for b in batches]
    knocks = db.session.execute(
        select(DoorKnock.sync_batch_id, DoorKnock.distance_m, DoorKnock.accuracy_m).where(
            DoorKnock.sync_batch_id.in_(ids)
        )
    ).all()
    distances = {i: {"green": 0, "orange": 0, "red": 0, "no_gps": 0, "farthest_m": None}
                 for i in ids}  # fmt: skip
    for batch_id, distance, accuracy in knocks:
        row = distances[batch_id]
        trust = gps_trust(distance, accuracy)
        row[trust] += 1
        if trust != "no_gps":
            row["farthest_m"] = max(row["farthest_m"] or 0, round(distance))
    names = dict(
        db.session.execute(
            select(User.id, func.coalesce(User.name, "")).where(
                User.id.in_({b.user_id for b in batches})
            )
        ).all()
    )
    return [
        {
            **{c.key: getattr(b, c.key) for c in SyncBatch.__table__.columns},
            "user_name": names.get(b.user_id, ""),
            "distances": distances[b.id],
        }
        for b in batches
    ]


def get_batch(organization_id: int, batch_id: int, *, lock: bool = False) -> SyncBatch:
    stmt = select(SyncBatch).where(
        SyncBatch.id == batch_id, SyncBatch.organization_id == organization_id
    )
    batch = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if batch is None:
        raise NotFound("No such sync batch.", code="batch_not_found")
    return batch


def hold(actor: Actor | None, batch: SyncBatch, reason: str) -> SyncBatch:
    """Take the batch's knocks out of the records until a director releases them (no
    reviewer: held by the sync itself, as it arrived)."""
    _must_be(batch, KnockStatus.APPLIED)
    effects.void(batch.organization_id, _interactions(batch), datetime.now(UTC))
    return _mark(batch, actor, KnockStatus.HELD, reason)


def release(actor: Actor, batch: SyncBatch) -> SyncBatch:
    """Put a held batch's knocks back into the records, as if they had just been synced."""
    _must_be(batch, KnockStatus.HELD)
    script = db.session.scalar(
        select(Script).where(Script.organization_id == batch.organization_id, Script.is_default)
    )
    effects.revive(batch.organization_id, _interactions(batch), script)
    return _mark(batch, actor, KnockStatus.APPLIED, "")


def roll_back(actor: Actor, batch: SyncBatch, reason: str) -> SyncBatch:
    """Undo the batch for good; each person's history gets a note of the rollback."""
    _must_be(batch, KnockStatus.APPLIED, KnockStatus.HELD)
    now = datetime.now(UTC)
    interactions = _interactions(batch)
    if batch.status == KnockStatus.APPLIED:
        effects.void(batch.organization_id, interactions, now)
    notes = [
        {
            "organization_id": batch.organization_id,
            "person_id": i.person_id,
            "kind": InteractionKind.NOTE,
            "occurred_at": now,
            "user_id": actor.user_id,
            "summary": f"Door knock of {i.occurred_at:%Y-%m-%d %H:%M} rolled back: {reason}"[:300],
            "data": {
                "rolled_back_interaction_id": i.id,
                "door_knock_id": (i.data or {}).get("door_knock_id"),
                "sync_batch_id": batch.id,
                "reason": reason,
            },
        }
        for i in interactions
    ]
    if notes:
        db.session.execute(insert(Interaction).values(notes))
    return _mark(batch, actor, KnockStatus.ROLLED_BACK, reason)


def _must_be(batch: SyncBatch, *allowed: KnockStatus) -> None:
    if batch.status not in allowed:
        raise Conflict(
            f"The batch is {batch.status.value.replace('_', ' ')}.",
            code=f"batch_{batch.status.value}",
        )


def _interactions(batch: SyncBatch) -> list[Interaction]:
    """The door-knock interactions the batch's knocks made, in the order they happened."""
    knock_ids = select(DoorKnock.id).where(DoorKnock.sync_batch_id == batch.id)
    return list(
        db.session.scalars(
            select(Interaction)
            .where(
                Interaction.user_id == batch.user_id,
                Interaction.kind == InteractionKind.DOOR_KNOCK,
                Interaction.data["door_knock_id"].astext.cast(BigInteger).in_(knock_ids),
            )
            .order_by(Interaction.occurred_at, Interaction.id)
        )
    )


def _mark(batch: SyncBatch, actor: Actor | None, status: KnockStatus, reason: str) -> SyncBatch:
    before = batch.status
    db.session.execute(
        update(DoorKnock).where(DoorKnock.sync_batch_id == batch.id).values(status=status)
    )
    batch.status = status
    batch.reviewed_by_id = actor.user_id if actor else None
    batch.reviewed_at = datetime.now(UTC)
    batch.review_reason = reason
    verb = {KnockStatus.HELD: "hold", KnockStatus.APPLIED: "release"}.get(status, "roll_back")
    record_audit(
        f"sync_batch.{verb}",
        entity=batch,
        changes={"status": [before.value, status.value], "reason": reason,
                 "user_id": batch.user_id, "on_arrival": actor is None},
    )  # fmt: skip
    db.session.flush()
    return batch
