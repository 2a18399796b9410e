"""Door knocks keyed back from a paper walk sheet (``app.paper``), as the sync applies them:
who keyed them, who canvassed (a user, or only a name written on the sheet), and the one
batch a keying session fills door by door."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.canvass.models import SyncBatch
from app.extensions import db


@dataclass(frozen=True)
class Keyed:
    """A keying session: the keyer (the signed-in user, who needs no hold on the list: the
    canvass happened while it was out), the canvasser named on the sheet and its batch."""

    keyer_id: int
    batch_id: int
    canvasser_id: int | None = None
    #: The canvasser as written on the sheet, when they have no account (the knocks then
    #: stand under the keyer's id, and count for nobody's door activity).
    canvasser_name: str = ""

    @property
    def credited_id(self) -> int:
        return self.canvasser_id or self.keyer_id

    def interaction_data(self) -> dict[str, Any]:
        return {"keyed_by_id": self.keyer_id, "canvasser_name": self.canvasser_name or None}

    def add_to_batch(self, values: dict[str, Any]) -> dict[str, Any]:
        """A batch that many requests fill: counts add up, flags join those it had."""
        had = db.session.get(SyncBatch, self.batch_id).flags or []
        added = {
            name: getattr(SyncBatch, name) + value for name, value in values.items()
            if name != "flags"
        }  # fmt: skip
        return {**added, "flags": had + [f for f in values["flags"] if f not in had]}


def knock_columns(keyed: Keyed | None) -> dict[str, Any]:
    """The keyed columns of a door knock row (none for a knock from the app)."""
    if keyed is None:
        return {"keyed_by_id": None, "canvasser_name": ""}
    return {"keyed_by_id": keyed.keyer_id, "canvasser_name": keyed.canvasser_name}
