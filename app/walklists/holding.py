"""Lists volunteers hold: walk lists, and call lists the same way. An organiser hands a list
to users of the campaign who may work it, or a volunteer claims it with its code; each holder
has an assignment row (released when taken back, taken again later). An active list holds
what it sends volunteers to (doors, people) until it is closed or its expiry passes.

What differs between the kinds of list is a ``ListKind``; the verbs here are the same for all.
Each room writes its own audit records (their actions are literals, as tests/audit reads them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update

from app.accounts.models import User
from app.auth.permissions import Permission
from app.core.actor import Actor
from app.core.codes import normalise_code
from app.core.errors import Conflict, NotFound, ValidationError
from app.extensions import db


@dataclass(frozen=True)
class ListKind:
    """One kind of held list: its models, what frees what it holds, and its words."""

    model: Any  # the list: organization_id, code, status, expires_at, closed_at, assignments
    assignment: type  # its holders' rows, keyed (list id, user id)
    statuses: type[StrEnum]  # ACTIVE, CLOSED, EXPIRED
    release: Callable[[list[int]], None]  # frees whatever these lists hold
    name: str  # "walk_list": error codes ("walk_list_closed") and the expiry's audit entity
    noun: str  # "list", "call list": in messages
    lifetime: timedelta  # how long a list lives when its maker names no expiry
    may: Permission  # what a user must be able to do to be handed the list
    refusal: tuple[str, str]  # message ("User {} cannot ...") and code for one who cannot


#: No list lives longer than this, whatever its maker asks.
MAX_LIFETIME = timedelta(days=60)


def lifetime_end(
    kind: ListKind, expires_at: datetime | None, now: datetime | None = None
) -> datetime:
    """When a new list expires: ``expires_at`` (within ``MAX_LIFETIME``), else after its
    kind's lifetime."""
    now = now or datetime.now(UTC)
    if expires_at is None:
        return now + kind.lifetime
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    if expires_at <= now:
        raise ValidationError("The expiry must be in the future.", fields={"expires_at": "past"})
    if expires_at > now + MAX_LIFETIME:
        raise ValidationError(f"A list lives at most {MAX_LIFETIME.days} days.",
                              fields={"expires_at": "too late"})  # fmt: skip
    return expires_at


def require_active(kind: ListKind, held: Any) -> None:
    """A 409 for a list that is closed or expired."""
    if held.status != kind.statuses.ACTIVE:
        status = held.status.value
        raise Conflict(f"The {kind.noun} is {status}.", code=f"{kind.name}_{status}")


def assign(kind: ListKind, actor: Actor, held: Any, user_ids: list[int]) -> list[int]:
    """Give the active list to these users of its campaign (any who hold it already stay);
    each must hold the kind's permission. Returns those newly holding it."""
    require_active(kind, held)
    users = db.session.scalars(
        select(User).where(User.organization_id == held.organization_id, User.id.in_(user_ids))
    ).all()
    found = {u.id for u in users}
    missing = [i for i in user_ids if i not in found]
    if missing:
        raise NotFound(f"No such user: {missing[0]}.", code="user_not_found",
                       fields={"user_ids": missing})  # fmt: skip
    unable = [u.id for u in users if not u.can(kind.may)]
    if unable:
        message, code = kind.refusal
        raise ValidationError(message.format(unable[0]), code=code,
                              fields={"user_ids": unable})  # fmt: skip
    holding = {a.user_id for a in held.assignments}
    added = [i for i in dict.fromkeys(user_ids) if i not in holding]
    for user_id in added:
        _hold(held, kind.assignment, user_id, assigned_by_id=actor.user_id, claimed=False)
    db.session.flush()
    return added


def take_back(kind: ListKind, held: Any, user_id: int) -> None:
    """The user holds the list no more (their assignment row stays, released)."""
    assignment = next((a for a in held.assignments if a.user_id == user_id), None)
    if assignment is None:
        raise NotFound("That user does not hold this list.", code="assignment_not_found")
    assignment.released_at = datetime.now(UTC)
    db.session.flush()
    db.session.expire(held, ["assignments"])


def claim_by_code(kind: ListKind, actor: Actor, code: str) -> tuple[Any, bool]:
    """The actor takes the active list with the code they typed, scanned or opened (the room
    expires its lapsed lists first). Returns it, and False when they held it already."""
    not_found = NotFound(
        f"No {kind.noun} has that code; check it with your organiser.",
        code=f"{kind.name}_not_found",
        fields={"code": code},
    )
    held = _by_code(kind.model, actor.organization_id, code, not_found)
    require_active(kind, held)
    return held, _claim(held, kind.assignment, actor.user_id)


def close(kind: ListKind, held: Any) -> Any:
    """Close the list and free what it holds; its history stays."""
    require_active(kind, held)
    held.status = kind.statuses.CLOSED
    held.closed_at = datetime.now(UTC)
    kind.release([held.id])
    db.session.flush()
    return held


def release_expired(kind: ListKind, organization_id: int, now: datetime | None = None) -> list[int]:
    """Mark the campaign's lists past their expiry as expired and free what they hold;
    returns their ids."""
    now = now or datetime.now(UTC)
    model = kind.model
    expired = list(
        db.session.scalars(
            update(model)
            .where(
                model.organization_id == organization_id,
                model.status == kind.statuses.ACTIVE,
                model.expires_at <= now,
            )
            .values(status=kind.statuses.EXPIRED, closed_at=now)
            .returning(model.id)
        )
    )
    if expired:
        kind.release(expired)
    return expired


def _by_code(model: Any, organization_id: int, code: str, not_found: NotFound) -> Any:
    """The campaign's list with the code somebody typed or scanned."""
    held = db.session.scalar(
        select(model).where(
            model.organization_id == organization_id, model.code == normalise_code(code)
        )
    )
    if held is None:
        raise not_found
    return held


def _claim(owner: Any, assignment: type, user_id: int) -> bool:
    """The user takes the list themselves; False when they hold it already."""
    if any(a.user_id == user_id for a in owner.assignments):
        return False
    _hold(owner, assignment, user_id, assigned_by_id=None, claimed=True)
    db.session.flush()
    return True


def _hold(owner: Any, assignment: type, user_id: int, *, assigned_by_id: int | None,
         claimed: bool) -> None:  # fmt: skip
    """The user holds the list from now: a new assignment, or theirs from before again."""
    before = db.session.get(assignment, (owner.id, user_id))
    if before is None:
        owner.assignments.append(
            assignment(organization_id=owner.organization_id, user_id=user_id,
                       assigned_by_id=assigned_by_id, claimed=claimed)
        )  # fmt: skip
        return
    before.released_at = None
    before.assigned_at = datetime.now(UTC)
    before.assigned_by_id, before.claimed = assigned_by_id, claimed
    db.session.flush()
    db.session.expire(owner, ["assignments"])
