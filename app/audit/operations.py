"""Writing audit records, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import inspect

from app.audit.context import current_audit_context
from app.audit.models import AuditEvent
from app.extensions import db

_NEVER_LISTED = {"updated_at", "created_at"}


def _json_safe(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def describe_changes(obj: Any) -> dict[str, Any]:
    """Summarise pending changes of ``obj`` before flush.

    Fields named in the model's ``__audit_values__`` keep their before/after values; other
    changed fields are listed by name only (``"changed"``), so secrets and bulky data stay out.
    """
    state = inspect(obj)
    keep_values = set(getattr(obj, "__audit_values__", ()))
    summary: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _NEVER_LISTED:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        if attr.key not in keep_values:
            summary[attr.key] = "changed"
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if state.pending or state.transient:
            summary[attr.key] = _json_safe(after)
        elif before != after:
            summary[attr.key] = {"from": _json_safe(before), "to": _json_safe(after)}
    return summary


def changed_fields(names: Iterable[str]) -> dict[str, str]:
    """``changes`` for an operation that names the fields it changed, not their values."""
    return {name: "changed" for name in sorted(names)}


def record_audit(
    action: str,
    *,
    entity: Any = None,
    entity_type: str | None = None,
    entity_id: Any = None,
    changes: dict[str, Any] | None = None,
    organization_id: int | None = None,
) -> AuditEvent:
    """Add an audit record for ``action`` to the current transaction.

    ``entity`` names the changed object (its table and primary key are used); flush first when
    the entity is new so its id is known.
    """
    if changes is not None and not isinstance(changes, dict):
        # The database refuses it too (ck_audit_events_changes_object); say where it came from.
        raise TypeError(f"audit changes must be a dict, got {type(changes).__name__} ({action})")
    ctx = current_audit_context()
    if entity is not None:
        entity_type = entity_type or entity.__tablename__
        entity_id = entity_id if entity_id is not None else inspect(entity).identity[0]
        organization_id = organization_id or getattr(entity, "organization_id", None)
    event = AuditEvent(
        organization_id=organization_id or ctx.organization_id,
        actor_user_id=ctx.actor_user_id,
        actor_label=ctx.actor_label,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        changes=changes or {},
        request_id=ctx.request_id,
        ip=ctx.ip,
        user_agent=ctx.user_agent,
    )
    db.session.add(event)
    return event
