"""Keying a paper walk sheet back in: each door the keyer types becomes a door knock through
the canvass sync (``app.canvass.sync``: checked, applied once by its UUID, folded into the
people's histories, progress, universes and the VAN export), dated when the sheet says the
canvass was, under the canvasser the sheet names. A keying session's doors fill one sync
batch, which a director can hold or roll back as one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.accounts.models import User
from app.canvass.keyed import Keyed
from app.canvass.models import SyncBatch
from app.canvass.sync import Outcome, sync_batch
from app.core.actor import Actor
from app.core.errors import ValidationError
from app.extensions import db
from app.knocks.models import KnockStatus
from app.walklists.models import WalkList

#: A sheet's canvass time this far past our clock is a typing mistake.
AHEAD = timedelta(minutes=5)


def key_doors(actor: Actor, walk_list: WalkList, body: dict[str, Any]) -> list[Outcome]:
    """Apply the doors keyed from ``walk_list``'s sheet (raw knock records without the list,
    the time or GPS: the sheet gives the first two, paper has no third); one outcome each."""
    canvassed_at = _canvass_time(walk_list, body["canvassed_at"])
    canvasser_id = body.get("canvasser_user_id")
    if canvasser_id is not None:
        user = db.session.get(User, canvasser_id)
        if user is None or user.organization_id != actor.organization_id:
            raise ValidationError("No such user in this campaign.", code="canvasser_not_found",
                                  fields={"canvasser_user_id": ["No such user."]})  # fmt: skip
    device_id = f"paper:{body['session']}"
    keyed = Keyed(
        keyer_id=actor.user_id,
        batch_id=_session_batch(actor, device_id),
        canvasser_id=canvasser_id,
        canvasser_name="" if canvasser_id else body["canvasser_name"].strip(),
    )
    records = [
        {**raw, "walk_list_id": walk_list.id, "client_at": canvassed_at.isoformat(), "gps": None}
        for raw in body["records"]
    ]
    return sync_batch(actor, device_id, records, None, keyed)


def _canvass_time(walk_list: WalkList, at: datetime) -> datetime:
    """When the sheet says the doors were knocked: after the list was made, not ahead of now."""
    if at < walk_list.created_at.replace(second=0, microsecond=0):  # a sheet's time: minutes
        raise ValidationError(
            "The canvass cannot be before the list was made "
            f"({walk_list.created_at:%Y-%m-%d %H:%M} UTC).",
            code="canvassed_before_list", fields={"canvassed_at": ["Before the list was made."]},
        )  # fmt: skip
    if at > datetime.now(UTC) + AHEAD:
        raise ValidationError("The canvass cannot be in the future.", code="canvassed_in_future",
                              fields={"canvassed_at": ["In the future."]})  # fmt: skip
    return at


def _session_batch(actor: Actor, device_id: str) -> int:
    """The batch this keying session fills: its own, while a director has not held or
    rolled it back (then a new one, so the held doors stay apart from those keyed since)."""
    batch_id = db.session.scalar(
        select(SyncBatch.id)
        .where(
            SyncBatch.organization_id == actor.organization_id,
            SyncBatch.user_id == actor.user_id,
            SyncBatch.device_id == device_id,
            SyncBatch.status == KnockStatus.APPLIED,
        )
        .order_by(SyncBatch.id.desc())
        .limit(1)
        .with_for_update()
    )
    if batch_id is not None:
        return batch_id
    batch = SyncBatch(organization_id=actor.organization_id, user_id=actor.user_id,
                      device_id=device_id, records=0)  # fmt: skip
    db.session.add(batch)
    db.session.flush()
    return batch.id
