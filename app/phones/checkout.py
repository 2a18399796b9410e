"""People held by active call lists: one row per person, so two live lists never hand one
person to two callers. Closing or expiry frees them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert

from app.audit.operations import record_audit
from app.extensions import db
from app.phones.models import CallCheckout, CallList, CallListStatus


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


def release_expired(organization_id: int, now: datetime | None = None) -> list[int]:
    """Mark the campaign's lists past their expiry as expired and free their people."""
    now = now or datetime.now(UTC)
    expired = list(
        db.session.scalars(
            update(CallList)
            .where(
                CallList.organization_id == organization_id,
                CallList.status == CallListStatus.ACTIVE,
                CallList.expires_at <= now,
            )
            .values(status=CallListStatus.EXPIRED, closed_at=now)
            .returning(CallList.id)
        )
    )
    if expired:
        release(expired)
        for list_id in expired:
            record_audit("call_lists.expire", entity_type="call_list", entity_id=list_id,
                         organization_id=organization_id)  # fmt: skip
    return expired
