"""Reads for keying a paper walk sheet back in: the sheet by the code printed on it (any
status: the sheet comes back after the list was closed), with what the keyer needs: its homes
and people in walking order, the result codes, the default script, the canvassers who held it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.canvass.defaults import ensure_defaults
from app.canvass.models import Script
from app.core.codes import normalise_code
from app.core.errors import NotFound
from app.extensions import db
from app.knocks.models import ResultCode
from app.knocks.results import RESULT_CODES
from app.walklists import queries as walk_lists
from app.walklists.models import WalkList, WalkListAssignment
from app.walklists.sheets import RESULT_BOXES

NOT_FOUND = "No walk list has that code: scan the code on the sheet's first page."
#: The default result codes' boxes on the printed sheet: "not_home" is ticked under "NH".
SHEET_BOXES = {
    code: box for code, label, *_ in RESULT_CODES for box, heading in RESULT_BOXES
    if heading == label
}  # fmt: skip


def code_of(scanned: str) -> str:
    """The list's code from what was typed or scanned: the code, or the claim link its QR
    code holds (``https://.../claim/K7QM2XPD``)."""
    if "/claim/" in scanned:
        scanned = scanned.rsplit("/claim/", 1)[1]
    return normalise_code(scanned.split("?")[0])


def sheet_by_code(organization_id: int, scanned: str) -> WalkList:
    walk_list = db.session.scalar(
        select(WalkList).where(
            WalkList.organization_id == organization_id, WalkList.code == code_of(scanned)
        )
    )
    if walk_list is None:
        raise NotFound(NOT_FOUND, code="walk_list_not_found")
    return walk_list


def get_sheet(organization_id: int, list_id: int) -> WalkList:
    walk_list = db.session.get(WalkList, list_id) if list_id < 2**63 else None
    if walk_list is None or walk_list.organization_id != organization_id:
        raise NotFound("No such walk list.", code="walk_list_not_found")
    return walk_list


def canvassers(walk_list: WalkList) -> list[dict[str, Any]]:
    """Everyone who held the list, in the order they took it (those who still hold it and
    those it was taken back from): the names a sheet's canvasser is picked from."""
    rows = db.session.execute(
        select(User.id, User.name, WalkListAssignment.released_at.is_(None))
        .join(WalkListAssignment, WalkListAssignment.user_id == User.id)
        .where(WalkListAssignment.walk_list_id == walk_list.id)
        .order_by(WalkListAssignment.assigned_at, User.id)
    )
    return [{"user_id": uid, "name": name, "holds": holds} for uid, name, holds in rows]


def sheet(walk_list: WalkList) -> dict[str, Any]:
    """The sheet as the keying screen shows it."""
    organization_id = walk_list.organization_id
    ensure_defaults(organization_id)
    codes = db.session.scalars(
        select(ResultCode)
        .where(ResultCode.organization_id == organization_id, ResultCode.is_active)
        .order_by(ResultCode.position, ResultCode.id)
    ).all()
    script = db.session.scalar(
        select(Script).where(Script.organization_id == organization_id, Script.is_default)
    )
    return {
        **walk_lists.summary(walk_list),
        "stops": walk_lists.stop_rows(walk_list),
        "result_codes": [{"box": SHEET_BOXES.get(code.code), "code": code} for code in codes],
        "script": script,
        "canvassers": canvassers(walk_list),
    }
