"""Calling hours: a person is handed out only when it is 8am-9pm in every time zone they may
be in (their number's area code, and their address's: the campaign's)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.accounts.models import User
from app.core.actor import Actor
from app.extensions import db
from app.phones.claims import next_person
from app.phones.hours import local_time, person_zones
from app.phones.operations import create_call_list
from app.universes.queries import Search

NEW_YORK, LOS_ANGELES = "America/New_York", "America/Los_Angeles"


@pytest.mark.parametrize(
    ("number", "has_address", "zones"),
    [
        ("+12155550101", True, [NEW_YORK]),
        ("+13105550105", True, [LOS_ANGELES, NEW_YORK]),  # a 310 number living here
        ("+13105550105", False, [LOS_ANGELES]),
        ("+18005550199", False, [NEW_YORK]),  # toll-free says nothing: the campaign's
        ("+19075550123", False, ["America/Adak", "America/Anchorage"]),
        (None, False, [NEW_YORK]),
    ],
)
def test_where_a_person_may_be(app, number, has_address, zones):
    assert person_zones(number, has_address, NEW_YORK) == zones


def test_their_time_reads_in_order():
    at = datetime(2027, 3, 6, 20, 30, tzinfo=UTC)
    assert local_time([NEW_YORK, LOS_ANGELES], at) == "12:30 PM / 3:30 PM"
    assert local_time([NEW_YORK, "America/Detroit"], at) == "3:30 PM"


def test_people_are_handed_out_within_their_calling_hours(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "DOORSTEP_CALLING_HOURS", "08:00-21:00")
    director = db.session.get(User, world.director_id)
    kim = Actor.of(db.session.get(User, world.kim_id))
    call_list = create_call_list(Actor.of(director), Search(world.organization_id, {}),
                                 name="Hours")  # fmt: skip
    by_id = {v: k for k, v in world.people.items()}

    def handed(at: datetime) -> tuple[set[str], str | None]:
        got = set()
        while True:
            answer = next_person(kim, call_list, finished=[by_name[n] for n in got], now=at)
            if answer["person"] is None:
                return got, answer["reason"]
            got.add(by_id[answer["person"]["person_id"]])

    by_name = world.people
    # 7am in Philadelphia, 4am in Los Angeles: nobody.
    assert handed(datetime(2027, 3, 6, 12, 0, tzinfo=UTC)) == (set(), "outside_hours")
    # 10pm in Philadelphia, 7pm in Los Angeles: Eve (a 310 number, no address here) only;
    # Dee's 310 number lives at an address here, where it is too late. Once Eve is handed
    # (her result on its way), everybody within calling hours is held.
    assert handed(datetime(2027, 3, 7, 3, 0, tzinfo=UTC)) == ({"Eve"}, "all_held")
    # 10am in Philadelphia, 7am in Los Angeles: the 215 numbers.
    philadelphia = {"Ana", "Ben", "Cal", "Lu"}
    assert handed(datetime(2027, 3, 8, 15, 0, tzinfo=UTC)) == (philadelphia, "all_held")
    # 8:30am in Los Angeles: Dee, and Eve again (the result on her way never came).
    assert handed(datetime(2027, 3, 8, 16, 30, tzinfo=UTC)) == ({"Dee", "Eve"}, "all_held")
