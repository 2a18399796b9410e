"""An event's people by donation level: who came (or signed up, or did not show) to a
fundraiser or a canvass launch, and what they gave this cycle, so the follow-up asks each
the right thing. Universes segment everyone else the same way (the ``donor`` filter)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from app.donations.models import CandidateElection, Donor, DonorTotal
from app.events.models import Event, Shift, Signup, SignupStatus
from app.extensions import db
from app.people.models import Person
from app.people.visibility import is_listable
from app.universes.donors import cycle_of

#: Levels, highest first: (code, the least given this cycle to be at it, in cents).
LEVELS = (
    ("maxed_out", None),  # at the limit of one of the cycle's elections
    ("2500_plus", 250_000),
    ("1000_2499", 100_000),
    ("500_999", 50_000),
    ("100_499", 10_000),
    ("under_100", 1),
    ("past_donor", None),  # gave before, nothing (net) this cycle
    ("not_donor", None),
)
LEVEL_CODES = tuple(code for code, _ in LEVELS)
STATUSES = {
    "attended": (SignupStatus.COMPLETED,),
    "signed_up": (SignupStatus.REGISTERED, SignupStatus.CONFIRMED, SignupStatus.COMPLETED),
    "no_show": (SignupStatus.NO_SHOW,),
}


def level_of(cycle_cents: int, gift_count: int, is_maxed_out: bool) -> str:
    """
    >>> level_of(0, 0, False), level_of(0, 3, False), level_of(9_999, 1, False)
    ('not_donor', 'past_donor', 'under_100')
    >>> level_of(250_000, 2, False), level_of(350_000, 2, True)
    ('2500_plus', 'maxed_out')
    """
    if gift_count <= 0:
        return "not_donor"
    if is_maxed_out:
        return "maxed_out"
    for code, least in LEVELS:
        if least is not None and cycle_cents >= least:
            return code
    return "past_donor"


def event_segments(event: Event, status: str, levels: list[str] | None, today: date):
    """(count per level, the people at the chosen levels) of the event's sign-ups."""
    people = db.session.execute(
        select(Person.id, Person.first_name, Person.last_name)
        .where(
            Person.id.in_(
                select(Signup.person_id)
                .join(Shift, Shift.id == Signup.shift_id)
                .where(Shift.event_id == event.id, Signup.status.in_(STATUSES[status]))
            ),
            is_listable(),
        )
        .order_by(Person.last_name, Person.first_name, Person.id)
    ).all()
    ids = [row.id for row in people]
    donors = {
        d.person_id: d
        for d in db.session.scalars(
            select(Donor).where(
                Donor.organization_id == event.organization_id, Donor.person_id.in_(ids)
            )
        )
    }
    cycle = cycle_of(today)
    given: dict[int, int] = {}
    maxed: set[int] = set()
    for person_id, cents, limit in db.session.execute(
        select(DonorTotal.person_id, DonorTotal.amount_cents, CandidateElection.limit_cents)
        .join(CandidateElection, CandidateElection.id == DonorTotal.election_id)
        .where(DonorTotal.person_id.in_(ids), DonorTotal.cycle == cycle)
    ):
        given[person_id] = given.get(person_id, 0) + cents
        if cents >= limit:
            maxed.add(person_id)
    counts = dict.fromkeys(LEVEL_CODES, 0)
    rows: list[dict[str, Any]] = []
    for person in people:
        donor = donors.get(person.id)
        level = level_of(
            given.get(person.id, 0), donor.gift_count if donor else 0, person.id in maxed
        )
        counts[level] += 1
        if levels and level not in levels:
            continue
        rows.append(
            {
                "person_id": person.id,
                "name": " ".join(p for p in (person.first_name, person.last_name) if p),
                "level": level,
                "total_cycle_cents": given.get(person.id, 0),
                "total_ever_cents": donor.total_cents if donor else 0,
                "largest_cents": donor.largest_cents if donor else 0,
                "last_gift_on": donor.last_gift_on if donor else None,
            }
        )
    return counts, rows
