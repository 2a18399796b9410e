"""Reading the audit trail of one organisation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.core.pagination import Page, paginate

AUDIT_SORTS = {"created_at": AuditEvent.created_at, "action": AuditEvent.action}


def list_audit_events(organization_id: int, args: Mapping[str, Any]) -> Page:
    stmt = select(AuditEvent).where(AuditEvent.organization_id == organization_id)
    if args.get("actor_user_id"):
        stmt = stmt.where(AuditEvent.actor_user_id == args["actor_user_id"])
    if action := args.get("action"):
        if action.endswith("."):
            stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
        else:
            stmt = stmt.where(AuditEvent.action == action)
    if args.get("entity_type"):
        stmt = stmt.where(AuditEvent.entity_type == args["entity_type"])
    if args.get("entity_id"):
        stmt = stmt.where(AuditEvent.entity_id == args["entity_id"])
    if args.get("since"):
        stmt = stmt.where(AuditEvent.created_at >= args["since"])
    if args.get("until"):
        stmt = stmt.where(AuditEvent.created_at < args["until"])
    return paginate(stmt, args, sortable=AUDIT_SORTS, default_order=[AuditEvent.id.desc()])
