"""Callers at once, for real: each asks for the next person in its own thread, app context,
session and connection (as simultaneous requests) on a committed database; a barrier starts
them together. Nobody is ever handed to two callers."""

from __future__ import annotations

import itertools
import time

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.auth.permissions import Role
from app.core.actor import Actor
from app.extensions import db
from app.people.models import PersonPhone
from app.phones.claims import next_person
from app.phones.models import CallList, CallListPerson
from app.phones.operations import create_call_list
from app.universes.queries import Search
from tests.browsers import serve
from tests.events.test_concurrency import at_once
from tests.factories import create_household, create_organization, create_person, create_user
from tests.phones.conftest import ALL_DAY

pytestmark = pytest.mark.concurrency

CALLERS = 4
ROUNDS = 5
#: Each claim keeps its row locked this long before committing, so the others' picks run
#: while it is locked (SKIP LOCKED passes over it; they never wait for it).
HOLD = 0.3
_databases = itertools.count(1)


@pytest.fixture
def committed(make_database):
    yield from serve(make_database, f"doorstep_call_race_{next(_databases)}",
                     DOORSTEP_CALLING_HOURS=ALL_DAY)  # fmt: skip


def _seed(people: int = 40) -> tuple[int, list[int]]:
    org = create_organization("Call race")
    director = create_user(org, Role.DIRECTOR)
    callers = [create_user(org, Role.CANVASSER) for _ in range(CALLERS)]
    for n in range(people):
        home = create_household(org, house_number=str(n + 1), street="OAK ST")
        person = create_person(org, household=home)
        db.session.add(PersonPhone(organization_id=org.id, person_id=person.id, is_primary=True,
                                   number=f"+1215555{n:04d}"))  # fmt: skip
    db.session.flush()
    call_list = create_call_list(Actor.of(director), Search(org.id, {}), name="Race",
                                 assignee_ids=[c.id for c in callers])  # fmt: skip
    db.session.commit()
    return call_list.id, [c.id for c in callers]


def _asks(list_id: int, user_id: int, finished: list[int], hold: float = HOLD):
    def ask():
        user = db.session.get(User, user_id)
        answer = next_person(Actor.of(user), db.session.get(CallList, list_id), finished=finished)
        time.sleep(hold)  # the claim's row stays locked meanwhile
        return answer["person"]["person_id"]

    return ask


def test_callers_asking_at_once_get_different_people(committed):
    app = committed.app
    with app.app_context():
        list_id, callers = _seed()
    previous: dict[int, list[int]] = {user_id: [] for user_id in callers}
    handed: list[int] = []
    for _ in range(ROUNDS):
        started = time.monotonic()
        results = at_once(app, *(_asks(list_id, u, previous[u]) for u in callers))
        assert all(isinstance(r, int) for r in results), results
        assert len(set(results)) == CALLERS  # four callers, four people
        # Nobody waited for another's lock: the round took one hold, not four.
        assert time.monotonic() - started < HOLD * (CALLERS - 1)
        for user_id, person_id in zip(callers, results, strict=True):
            previous[user_id] = [person_id]  # its result is queued: asks for the next one
        handed.extend(results)
    assert len(set(handed)) == len(handed) == CALLERS * ROUNDS
    with app.app_context():
        holders = db.session.execute(  # who holds how many
            select(CallListPerson.claimed_by_id, func.count())
            .where(CallListPerson.call_list_id == list_id,
                   CallListPerson.claimed_by_id.is_not(None))
            .group_by(CallListPerson.claimed_by_id)
        ).all()  # fmt: skip
        assert sorted(count for _, count in holders) == [ROUNDS] * CALLERS


def test_callers_working_through_a_list_at_once_share_it_out(committed):
    """Each caller asks again and again (committing each claim) while the others do: every
    person is handed exactly once, and the last asks find nobody left."""
    app = committed.app
    with app.app_context():
        list_id, callers = _seed(people=24)

    def works(user_id: int):
        def work():
            got, finished = [], []
            while True:
                user = db.session.get(User, user_id)
                call_list = db.session.get(CallList, list_id)
                answer = next_person(Actor.of(user), call_list, finished=finished)
                db.session.commit()
                if answer["person"] is None:
                    return got
                got.append(answer["person"]["person_id"])
                finished = [got[-1]]

        return work

    results = at_once(app, *(works(u) for u in callers))
    assert all(isinstance(r, list) for r in results), results
    everyone = [person for got in results for person in got]
    assert len(everyone) == len(set(everyone)) == 24
