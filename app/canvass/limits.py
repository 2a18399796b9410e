"""How many people a canvasser may add at the doors: per sync request and per hour
(``DOORSTEP_SYNC_MAX_NEW_PEOPLE``, ``DOORSTEP_SYNC_NEW_PEOPLE_PER_HOUR``). A record that
would pass either is refused on its own, before anything is written; the phone keeps it
under "needs attention" and the rest of the batch goes in."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from app.canvass.checks import Rejected
from app.extensions import db
from app.knocks.models import DoorKnock

HOUR = timedelta(hours=1)


class NewPeopleBudget:
    """What is left of the user's allowance for new people in this request."""

    def __init__(self, user_id: int, now: datetime):
        config = current_app.config
        self.per_request = config["DOORSTEP_SYNC_MAX_NEW_PEOPLE"]
        self.per_hour = config["DOORSTEP_SYNC_NEW_PEOPLE_PER_HOUR"]
        self.user_id, self.now = user_id, now
        self.spent = 0
        self._hour: int | None = None  # read on the first record that adds somebody

    def take(self, count: int) -> None:
        """Spend ``count``, or raise ``Rejected`` (nothing spent)."""
        if not count:
            return
        if self.spent + count > self.per_request:
            raise Rejected(
                "too_many_new_people",
                f"At most {self.per_request} new people in one sync; send the rest later.",
                {"new_people": count},
            )
        if self._hour is None:
            self._hour = self._added_this_hour()
        if self._hour + self.spent + count > self.per_hour:
            raise Rejected(
                "new_people_hourly_limit",
                f"At most {self.per_hour} new people an hour; try again later.",
                {"new_people": count},
            )
        self.spent += count

    def _added_this_hour(self) -> int:
        """The new people this user's knocks brought in the last hour, whatever became of
        the knocks since (a held or rolled-back batch still spent them)."""
        added = func.coalesce(func.jsonb_array_length(DoorKnock.record["new_people"]), 0)
        return db.session.scalar(
            select(func.coalesce(func.sum(added), 0)).where(
                DoorKnock.user_id == self.user_id, DoorKnock.received_at >= self.now - HOUR
            )
        )
