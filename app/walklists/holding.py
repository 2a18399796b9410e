"""Lists volunteers hold: walk lists, and call lists the same way. An organiser hands a list
to users of the campaign who may work it, or a volunteer claims it with its code; each holder
has an assignment row (released when taken back, taken again later)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.auth.permissions import Permission
from app.core.codes import normalise_code
from app.core.errors import NotFound, ValidationError
from app.extensions import db


def by_code(model: Any, organization_id: int, code: str, not_found: NotFound) -> Any:
    """The campaign's list with the code somebody typed or scanned."""
    held = db.session.scalar(
        select(model).where(
            model.organization_id == organization_id, model.code == normalise_code(code)
        )
    )
    if held is None:
        raise not_found
    return held


def hand_to(
    owner: Any, assignment: type, by_user_id: int | None, user_ids: list[int], may: Permission,
    refusal: tuple[str, str],
) -> list[int]:  # fmt: skip
    """Give the list to these users of its campaign (any who hold it already stay); each
    must hold ``may``, else ``refusal`` (message, code). Returns those newly holding it."""
    users = db.session.scalars(
        select(User).where(User.organization_id == owner.organization_id, User.id.in_(user_ids))
    ).all()
    found = {u.id for u in users}
    missing = [i for i in user_ids if i not in found]
    if missing:
        raise NotFound(f"No such user: {missing[0]}.", code="user_not_found",
                       fields={"user_ids": missing})  # fmt: skip
    unable = [u.id for u in users if not u.can(may)]
    if unable:
        raise ValidationError(refusal[0].format(unable[0]), code=refusal[1],
                              fields={"user_ids": unable})  # fmt: skip
    holding = {a.user_id for a in owner.assignments}
    added = [i for i in dict.fromkeys(user_ids) if i not in holding]
    for user_id in added:
        hold(owner, assignment, user_id, assigned_by_id=by_user_id, claimed=False)
    db.session.flush()
    return added


def claim(owner: Any, assignment: type, user_id: int) -> bool:
    """The user takes the list themselves; False when they hold it already."""
    if any(a.user_id == user_id for a in owner.assignments):
        return False
    hold(owner, assignment, user_id, assigned_by_id=None, claimed=True)
    db.session.flush()
    return True


def hold(owner: Any, assignment: type, user_id: int, *, assigned_by_id: int | None,
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
