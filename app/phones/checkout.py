"""People held by active call lists: one row per person, so two live lists never hand one
person to two callers. Closing or expiry frees them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert

from app.audit.operations import record_audit
from app.auth.permissions import Permission
from app.extensions import db
from app.phones.models import CallCheckout, CallList, CallListAssignment, CallListStatus
from app.walklists import holding


def check_out(call_list: CallList, person_ids: list[int]) -> set[int]:
    """Take the people nobody else holds; the primary key settles a race between two lists."""
    if not person_ids:
        return set()
    rows = [
        {"person_id": p, "call_list_id": call_list.id, "organization_id": call_list.organization_id}
        for p in sorted(set(person_ids))
    ]
    got = db.session.scalars(
        insert(CallCheckout)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["person_id"])
        .returning(CallCheckout.person_id)
    )
    return set(got)


def release(list_ids: list[int]) -> None:
    """Free every person these lists hold."""
    db.session.execute(delete(CallCheckout).where(CallCheckout.call_list_id.in_(list_ids)))


#: Call lists as the shared verbs of ``app.walklists.holding`` know them.
CALL_LISTS = holding.ListKind(
    model=CallList,
    assignment=CallListAssignment,
    statuses=CallListStatus,
    release=release,
    name="call_list",
    noun="call list",
    lifetime=timedelta(days=7),
    may=Permission.CALLS_MAKE,
    refusal=("User {} cannot call (deactivated, or a role without calls).", "cannot_call"),
)


def release_expired(organization_id: int, now: datetime | None = None) -> list[int]:
    """Mark the campaign's call lists past their expiry as expired and free their people."""
    expired = holding.release_expired(CALL_LISTS, organization_id, now)
    for list_id in expired:
        record_audit("call_lists.expire", entity_type="call_list", entity_id=list_id,
                     organization_id=organization_id)  # fmt: skip
    return expired
