"""Call sheets: the donors of a universe (or an ad hoc filter) the candidate calls, each with
their giving history, room under the limits, the ask (app.fundraising.asks), open pledges and
the last call's result.

Only donors (a gift on record) are on a sheet, whatever the filter: a call sheet is not a way
to read the voter file. They must be listable (never a protected voter, never a merged-away
record) and reachable by phone (alive, not do-not-contact, a number that has not opted out);
the donors the filter matched but who cannot be called are counted, not listed. Order: the
highest previous gift first, then by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import selectinload

from app.core.pagination import Page, paginate
from app.donations.committee import list_elections
from app.donations.models import CandidateElection, Donation, Donor, DonorTotal, EntryKind
from app.extensions import db
from app.fundraising.asks import ask_cents, room_left
from app.fundraising.models import FundraisingSettings, Pledge, PledgeStatus
from app.fundraising.pledges import received_towards
from app.fundraising.settings import fundraising_settings
from app.people.models import Interaction, InteractionKind, Person
from app.people.visibility import Channel, is_reachable
from app.universes.donors import cycle_of
from app.universes.queries import Search, listable_people

MAX_PDF_DONORS = 200
_DONOR_JOIN = and_(Donor.person_id == Person.id, Donor.organization_id == Person.organization_id)
ORDER = [Donor.largest_cents.desc(), Person.last_name.asc(), Person.first_name.asc(), Person.id]


@dataclass
class CallSheet:
    """Who a filter puts on the call sheet, as of ``today`` (the campaign's day)."""

    organization_id: int
    filter: Mapping[str, Any]
    today: date

    def _donors(self) -> Select:
        match = Search(self.organization_id, self.filter).match
        return (
            listable_people(self.organization_id)
            .join(Donor, _DONOR_JOIN)
            .where(Donor.gift_count > 0, match)
        )

    def people(self) -> Select:
        return self._donors().where(is_reachable(Channel.PHONE))

    def counts(self) -> dict[str, int]:
        """Donors matched, and those of them nobody may call."""
        matched, callable_ = db.session.execute(
            self._donors().with_only_columns(
                func.count(), func.count().filter(is_reachable(Channel.PHONE))
            )
        ).one()
        return {"donors": matched, "cannot_call": matched - callable_}


def page_call_sheet(sheet: CallSheet, args: Mapping[str, Any]) -> Page:
    page = paginate(sheet.people(), args, sortable={}, default_order=ORDER)
    page.items = sheet_rows(sheet.organization_id, page.items, sheet.today)
    return page


def all_rows(sheet: CallSheet) -> list[dict[str, Any]]:
    people = db.session.scalars(sheet.people().order_by(*ORDER).limit(MAX_PDF_DONORS)).all()
    return sheet_rows(sheet.organization_id, list(people), sheet.today)


def sheet_rows(organization_id: int, people: list[Person], today: date) -> list[dict[str, Any]]:
    """One row per person, every fact gathered in a handful of queries for the whole page."""
    ids = [person.id for person in people]
    if not ids:
        return []
    settings = fundraising_settings(organization_id)
    donors = {
        d.person_id: d
        for d in db.session.scalars(
            select(Donor).where(Donor.organization_id == organization_id, Donor.person_id.in_(ids))
        )
    }
    contacts = {
        p.id: p
        for p in db.session.scalars(
            select(Person)
            .where(Person.id.in_(ids))
            .options(selectinload(Person.emails), selectinload(Person.phones))
        )
    }
    totals = _totals(ids)
    last_gifts = _last_gifts(ids)
    last_calls = _last_calls(ids)
    pledges = _open_pledges(ids)
    elections = list_elections(organization_id)
    cycle = cycle_of(today)
    return [
        _row(
            contacts[pid],
            donors[pid],
            totals.get(pid, {}),
            elections,
            cycle,
            today,
            settings,
            last_gifts.get(pid),
            last_calls.get(pid),
            pledges.get(pid, []),
        )
        for pid in ids
    ]


def _row(
    person,
    donor,
    given,
    elections,
    cycle,
    today,
    settings: FundraisingSettings,
    last_gift,
    last_call,
    pledges,
) -> dict[str, Any]:
    upcoming = [e for e in elections if e.held_on >= today]
    room = room_left((given.get(e.id, 0), e.limit_cents) for e in upcoming)
    phones = sorted(
        (p for p in person.phones if not p.do_not_contact), key=lambda p: (not p.is_primary, p.id)
    )
    emails = sorted(
        (e for e in person.emails if not e.do_not_contact), key=lambda e: (not e.is_primary, e.id)
    )
    return {
        "person_id": person.id,
        "name": person.full_name,
        "phones": [{"number": p.number, "kind": p.kind} for p in phones],
        "email": emails[0].address if emails else None,
        "address": ", ".join(x for x in (donor.street_1, donor.city, donor.state, donor.zip) if x)
        or None,
        "employer": donor.employer,
        "occupation": donor.occupation,
        "total_cycle_cents": sum(given.get(e.id, 0) for e in elections if e.cycle == cycle),
        "total_ever_cents": donor.total_cents,
        "largest_cents": donor.largest_cents,
        "gift_count": donor.gift_count,
        "first_gift_on": donor.first_gift_on,
        "last_gift_on": donor.last_gift_on,
        "last_gift_cents": last_gift,
        "is_recurring": donor.is_recurring,
        "methods": list(donor.methods),
        "elections": [
            {
                "code": e.code,
                "name": e.name,
                "given_cents": given.get(e.id, 0),
                "limit_cents": e.limit_cents,
                "is_maxed_out": given.get(e.id, 0) >= e.limit_cents,
            }
            for e in elections
            if e.cycle == cycle or e.held_on >= today
        ],
        "room_cents": room,
        "ask_cents": ask_cents(
            donor.largest_cents,
            room,
            default_cents=settings.default_ask_cents,
            raise_percent=settings.ask_raise_percent,
        ),
        "open_pledges": pledges,
        "last_call": last_call,
    }


def _totals(ids: list[int]) -> dict[int, dict[int, int]]:
    totals: dict[int, dict[int, int]] = {}
    for person_id, election_id, cents in db.session.execute(
        select(DonorTotal.person_id, DonorTotal.election_id, DonorTotal.amount_cents)
        .join(CandidateElection, CandidateElection.id == DonorTotal.election_id)
        .where(DonorTotal.person_id.in_(ids))
    ):
        totals.setdefault(person_id, {})[election_id] = cents
    return totals


def _last_gifts(ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Donation.person_id, Donation.amount_cents)
        .where(
            Donation.person_id.in_(ids),
            Donation.kind == EntryKind.CONTRIBUTION,
            Donation.voided_at.is_(None),
        )
        .ext(distinct_on(Donation.person_id))
        .order_by(Donation.person_id, Donation.received_on.desc(), Donation.id.desc())
    )
    return {person_id: cents for person_id, cents in rows}


def _last_calls(ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = db.session.execute(
        select(
            Interaction.person_id, Interaction.result, Interaction.occurred_at, Interaction.summary
        )
        .where(
            Interaction.person_id.in_(ids),
            Interaction.kind == InteractionKind.CALL,
            Interaction.voided_at.is_(None),
        )
        .ext(distinct_on(Interaction.person_id))
        .order_by(Interaction.person_id, Interaction.occurred_at.desc(), Interaction.id.desc())
    )
    return {
        pid: {"result": result, "occurred_at": at, "summary": summary}
        for pid, result, at, summary in rows
    }


def _open_pledges(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    pledges = list(
        db.session.scalars(
            select(Pledge)
            .where(Pledge.person_id.in_(ids), Pledge.status == PledgeStatus.OPEN)
            .order_by(Pledge.pledged_on, Pledge.id)
        )
    )
    received = received_towards(pledges)
    found: dict[int, list[dict[str, Any]]] = {}
    for pledge in pledges:
        found.setdefault(pledge.person_id, []).append(
            {
                "id": pledge.id,
                "amount_cents": pledge.amount_cents,
                "received_cents": received[pledge.id][0],
                "pledged_on": pledge.pledged_on,
                "due_on": pledge.due_on,
            }
        )
    return found
