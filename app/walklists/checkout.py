"""Doors held by active lists: one row per address, so two live lists never send two
canvassers to one door. Closing or expiry frees them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert

from app.audit.operations import record_audit
from app.auth.permissions import Permission
from app.extensions import db
from app.walklists import holding
from app.walklists.models import DoorCheckout, WalkList, WalkListAssignment, WalkListStatus
from app.walklists.stops import Home


def check_out(walk_list: WalkList, homes: list[Home]) -> set[int]:
    """Take the doors nobody else holds; the primary key settles a race between two lists."""
    address_ids = sorted({h.address_id for h in homes})
    if not address_ids:
        return set()
    got = db.session.scalars(
        insert(DoorCheckout)
        .values(
            [
                {
                    "address_id": a,
                    "walk_list_id": walk_list.id,
                    "organization_id": walk_list.organization_id,
                }
                for a in address_ids
            ]
        )
        .on_conflict_do_nothing(index_elements=["address_id"])
        .returning(DoorCheckout.address_id)
    )
    return set(got)


def holders_of(organization_id: int, homes: list[Home]) -> list[int]:
    """The active lists holding any of these homes' doors."""
    address_ids = {h.address_id for h in homes}
    return sorted(
        set(
            db.session.scalars(
                select(DoorCheckout.walk_list_id).where(
                    DoorCheckout.organization_id == organization_id,
                    DoorCheckout.address_id.in_(sorted(address_ids)),
                )
            )
        )
    )


def release(list_ids: list[int]) -> None:
    """Free every door these lists hold."""
    db.session.execute(delete(DoorCheckout).where(DoorCheckout.walk_list_id.in_(list_ids)))


#: Walk lists as the shared verbs of ``app.walklists.holding`` know them.
WALK_LISTS = holding.ListKind(
    model=WalkList,
    assignment=WalkListAssignment,
    statuses=WalkListStatus,
    release=release,
    name="walk_list",
    noun="list",
    lifetime=timedelta(days=3),
    may=Permission.WALKLISTS_CLAIM,
    refusal=("User {} cannot canvass (deactivated, or a role without walk lists).",
             "cannot_canvass"),
)  # fmt: skip


def release_expired(organization_id: int, now: datetime | None = None) -> list[int]:
    """Mark the campaign's walk lists past their expiry as expired and free their doors."""
    expired = holding.release_expired(WALK_LISTS, organization_id, now)
    for list_id in expired:
        record_audit("walk_lists.expire", entity_type="walk_list", entity_id=list_id,
                     organization_id=organization_id)  # fmt: skip
    return expired
