"""Reads of addresses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.core.pagination import Page, paginate
from app.voters.models import Address


def unplaced_addresses(organization_id: int, args: dict[str, Any]) -> Page:
    """Addresses with no point yet (neither the file nor the address points placed them)."""
    stmt = select(Address).where(
        Address.organization_id == organization_id, Address.point.is_(None)
    )
    return paginate(stmt, args, sortable={}, default_order=[Address.street, Address.id])
