"""Audit records of bulk reads of personal data: who read how many people, through what."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from app.audit.models import AuditEvent
from app.audit.operations import record_audit


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def record_bulk_read(
    action: str,
    *,
    filter: Mapping[str, Any],
    rows: int,
    entity: Any = None,
    entity_type: str | None = None,
    organization_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """One audit row for one bulk read (a page of a search, a sheet, an export): the actor
    comes from the audit context, ``filter`` is what was asked for (query and paging; unset
    parameters left out), ``rows`` how many people went out."""
    return record_audit(
        action,
        entity=entity,
        entity_type=entity_type,
        organization_id=organization_id,
        changes={
            "filter": _plain({key: value for key, value in filter.items() if value is not None}),
            "rows": rows,
            **_plain(details),
        },
    )
