"""What rules leave for organisers: their tasks; marking them done."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.auth.permissions import Permission
from app.automation.models import FollowUpTask
from app.core.errors import NotFound
from app.core.pagination import Page, paginate
from app.extensions import db
from app.people.models import Person
from app.people.visibility import is_listable


def tasks(user: User, args: Mapping[str, Any]) -> Page:
    """The user's tasks (directors: everybody's with ``scope=all``), open ones unless
    ``done``; never about a confidential or merged-away person."""
    query = (
        select(FollowUpTask)
        .join(Person, Person.id == FollowUpTask.person_id)
        .where(FollowUpTask.organization_id == user.organization_id, is_listable())
    )
    if args.get("scope") != "all" or not user.can(Permission.AUTOMATION_MANAGE):
        query = query.where(FollowUpTask.assignee_id == user.id)
    query = query.where(FollowUpTask.done_at.is_not(None) if args.get("done")
                        else FollowUpTask.done_at.is_(None))  # fmt: skip
    newest = [FollowUpTask.created_at.desc(), FollowUpTask.id.desc()]
    return paginate(
        query, args, sortable={"created_at": FollowUpTask.created_at}, default_order=newest
    )


def finish_task(user: User, task_id: int, now: datetime) -> FollowUpTask:
    task = db.session.get(FollowUpTask, task_id) if task_id < 2**63 else None
    if (
        task is None
        or task.organization_id != user.organization_id
        or (task.assignee_id != user.id and not user.can(Permission.AUTOMATION_MANAGE))
    ):
        raise NotFound("No such task of yours.", code="task_not_found")
    if task.done_at is None:
        task.done_at, task.done_by_id = now, user.id
        db.session.flush()
    return task
