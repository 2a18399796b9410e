"""Recording a processor's file of gifts set-based, with exactly the results of
``record_donation`` called once per gift (tests/donations/test_actblue_csv.py compares them).

The importer COPYs the file's gifts into ``donation_stage`` (``create_stage``, ``stage_row``);
``record_staged`` then records them in a handful of statements: the gifts already recorded
(the processor's line ids) are left alone, donors are found from a few set-based look-ups and
one pass in memory over the new gifts in the order they were received (which settles who a
gift in the file is from when an earlier gift in the same file made them a new person, and
puts an excess on the gift that crossed the limit), then people, donations, flags, donor
details and history are written in bulk, refunds after them (``app.donations.bulk_refunds``),
and the running totals are counted once for everyone touched.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import text

from app.audit.operations import record_audit
from app.core.actor import Actor
from app.core.contact import normalise_email
from app.core.signals import donations_imported
from app.donations.bulk_refunds import record_staged_refunds
from app.donations.bulk_writes import DONOR_FIELDS, NEW, WRITTEN, write_donations, write_people
from app.donations.committee import committee_settings, limits_of
from app.donations.income import lock_income
from app.donations.matching import contact_of
from app.donations.models import FlagCode
from app.donations.rules import Gift, Standing, check_contribution
from app.donations.sources import Designations, GiftRow, Source
from app.donations.totals import refresh_totals
from app.extensions import db

# The gift fields staged and written as given (order = the stage's columns after line_no).
GIFT_COLUMNS = ("line_id", "amount_cents", "election_id", "received_on", *WRITTEN)
_KEYS = ("refund_id", "refund_on", "refund_cents", "email_key", "phone_key", "house")
STAGE_COLUMNS = ("line_no", *GIFT_COLUMNS, *_KEYS)
_TYPES = {"line_no": "integer", "amount_cents": "bigint", "election_id": "bigint",
          "received_on": "date", "refund_on": "date", "refund_cents": "bigint"}  # fmt: skip
_HOUSE_NUMBER = re.compile(r"^\s*(\d+[A-Z]?)\b", re.IGNORECASE)  # as app.donations.matching
_CURE_DAYS = {FlagCode.EXCESSIVE.value: "excess_cure_days",
              FlagCode.MISSING_EMPLOYER.value: "best_efforts_days"}  # fmt: skip


@dataclass
class BulkResult:
    loaded_lines: set[int] = field(default_factory=set)
    rejects: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, column ...
    summary: dict[str, Any] = field(default_factory=dict)


def create_stage() -> None:
    columns = ", ".join(f"{name} {_TYPES.get(name, 'text')}" for name in STAGE_COLUMNS)
    db.session.execute(text(f"CREATE TEMP TABLE donation_stage ({columns}) ON COMMIT DROP"))


def stage_row(line_no: int, gift: GiftRow, phones: dict[str, str | None]) -> tuple:
    """The stage's row for one gift; ``phones`` caches normalised numbers across rows."""
    fields = gift.fields
    values: list[Any] = [line_no, gift.line_id]
    values += [fields.get(name) for name in GIFT_COLUMNS[1:]]
    values[GIFT_COLUMNS.index("method") + 1] = fields["method"].value
    refund = gift.refund
    values += [refund.refund_id, refund.on, refund.cents] if refund else [None, None, None]
    email, phone = fields.get("email"), fields.get("phone")
    if phone and phone not in phones:
        phones[phone] = contact_of({"phone": phone})[1]
    house = _HOUSE_NUMBER.match(fields.get("street_1") or "")
    values += [
        normalise_email(email) if email else None,
        phones[phone] if phone else None,
        house.group(1).upper() if house else None,
    ]
    return tuple(values)


def record_staged(
    actor: Actor, source: Source, *, job_id: int, phase: Callable[[str], None] = lambda name: None
) -> BulkResult:
    """Record the staged gifts (see the module's docstring); the caller's transaction."""
    org = actor.organization_id
    designations = source.designations
    lock_income(org)
    params = {"org": org}
    db.session.execute(text("ANALYZE donation_stage"))
    db.session.execute(
        text("""
        CREATE TEMP TABLE donation_new ON COMMIT DROP AS
        SELECT DISTINCT ON (s.line_id) s.* FROM donation_stage s
        WHERE NOT EXISTS (SELECT 1 FROM donations d WHERE d.organization_id = :org
                          AND d.processor = s.processor AND d.processor_line_id = s.line_id)
        ORDER BY s.line_id, s.line_no
        """),
        params,
    )
    db.session.execute(text("ANALYZE donation_new"))
    result = BulkResult()
    phase("finding donors")
    people = _PeopleIndex(org)
    rows = db.session.execute(
        text("""
        SELECT line_no, email_key, phone_key, lower(coalesce(first_name, '')) AS f,
               lower(last_name) AS l, house, left(zip, 5) AS zip5, first_name, middle_name,
               last_name, amount_cents, election_id, received_on, method, employer,
               occupation, country, street_1, street_2, city, state, zip
        FROM donation_new ORDER BY received_on, line_no
        """)
    ).all()
    settings = committee_settings(org)
    limits = limits_of(settings)
    totals = _Totals(org, people.known_ids())
    phase("checking gifts")
    outcomes, flags, details, new_people = [], [], {}, []
    for row in rows:
        person, candidates = None, []
        if row.last_name:  # else anonymous: no donor (record_donation's rule)
            person = people.match(row)
            if person is None:
                candidates = people.candidates(row)
                if not candidates:
                    person = people.add(row)
                    new_people.append(row)
        if person is not None:
            before = totals.before(person, row.election_id, designations)
            verdict = check_contribution(
                Gift(row.amount_cents, row.method, employer=row.employer,
                     occupation=row.occupation, country=row.country or "US",
                     known_flags=totals.confirmed.get(person, frozenset())),
                before, limits,
            )  # fmt: skip
            totals.add(person, row.election_id, row.amount_cents, designations)
            mine = details.setdefault(person, {})
            for name in DONOR_FIELDS:
                if getattr(row, name):
                    mine[name] = getattr(row, name)
        elif not candidates:
            verdict = check_contribution(
                Gift(row.amount_cents, row.method, is_anonymous=True), Standing(0, 0, 0), limits
            )
        else:
            verdict = None
        excess = verdict.excess_cents if verdict else 0
        outcomes.append((row.line_no, person, candidates, excess))
        for code, cents in verdict.flags.items() if verdict else ():
            days = getattr(settings, _CURE_DAYS[code]) if code in _CURE_DAYS else None
            due = row.received_on + timedelta(days=days) if days else None
            flags.append((row.line_no, code, cents, due))
    phase("writing people")
    ids = write_people(org, new_people)
    phase("writing gifts")
    write_donations(actor, outcomes, flags, details, ids, job_id)
    # The planner's view of the tables just filled (else it scans them per person below).
    db.session.execute(text("ANALYZE donations, donation_flags, donor_totals, donors"))
    result.loaded_lines.update(line_no for line_no, *_ in outcomes)
    touched = {ids.get(person, person) for _, person, _, _ in outcomes if person is not None}
    phase("refunds")
    refunds = record_staged_refunds(actor, job_id=job_id, column=source.label("refund_id"))
    result.loaded_lines.update(refunds.loaded_lines)
    result.rejects += refunds.rejects
    phase("totals")
    refresh_totals(org, touched | refunds.people)
    refunds.settle()
    added = db.session.scalars(
        text("""
        SELECT d.id FROM donations d JOIN donation_new n
          ON d.processor = n.processor AND d.processor_line_id = n.line_id
        WHERE d.organization_id = :org AND d.kind = 'contribution'
        """),
        params,
    ).all()
    donations_imported.send(org, donation_ids=list(added), person_ids=touched)
    review = sum(1 for _, person, candidates, _ in outcomes if candidates)
    result.summary = {
        "contributions": len(outcomes),
        "refunds": len(refunds.loaded_lines),
        "new_people": len(new_people),
        "review": review,
        "flags": len(flags),
    }
    record_audit("donations.import", entity_type="import_jobs", entity_id=job_id,
                 changes=result.summary)  # fmt: skip
    return result


class _PeopleIndex:
    """Who the new gifts could be from: the campaign's people found by the gifts' emails,
    phones, and names with house number and ZIP (``match_person``'s three tests, and
    ``_possible_donors``' for the review queue), plus the people this import adds."""

    def __init__(self, org: int):
        self.emails = _grouped(
            org,
            """
            SELECT e.address, e.person_id FROM person_emails e
            WHERE e.organization_id = :org AND e.address IN
              (SELECT DISTINCT email_key FROM donation_new WHERE email_key IS NOT NULL)""",
        )
        self.phones = _grouped(
            org,
            """
            SELECT e.number, e.person_id FROM person_phones e
            WHERE e.organization_id = :org AND e.number IN
              (SELECT DISTINCT phone_key FROM donation_new WHERE phone_key IS NOT NULL)""",
        )
        named = db.session.execute(
            text("""
            WITH keys AS (SELECT DISTINCT lower(coalesce(first_name, '')) AS f,
                                 lower(last_name) AS l, left(zip, 5) AS zip5
                          FROM donation_new WHERE last_name IS NOT NULL AND zip IS NOT NULL)
            SELECT k.f, k.l, k.zip5, a.house_number, p.id
            FROM keys k
            JOIN people p ON p.organization_id = :org AND lower(p.last_name) = k.l
                         AND lower(p.first_name) = k.f
            JOIN households h ON h.id = p.household_id
            JOIN addresses a ON a.id = h.address_id AND a.zip = k.zip5
            ORDER BY p.id
            """),
            {"org": org},
        ).all()
        self.at_house: dict[tuple, list[int]] = {}
        self.in_zip: dict[tuple, list[int]] = {}
        for f, l, zip5, house, person_id in named:  # noqa: E741
            self.at_house.setdefault((f, l, house, zip5), []).append(person_id)
            self.in_zip.setdefault((f, l, zip5), []).append(person_id)
        self.merged_into = _merges(self.known_ids())
        self.added = 0

    def known_ids(self) -> set[int]:
        return {i for found in (self.emails, self.phones, self.in_zip)
                for ids in found.values() for i in ids}  # fmt: skip

    def final(self, person: int) -> int:
        while person in self.merged_into:
            person = self.merged_into[person]
        return person

    def match(self, row) -> int | None:
        for found, key in (
            (self.emails, row.email_key),
            (self.phones, row.phone_key),
            (
                self.at_house,
                (row.f, row.l, row.house, row.zip5) if row.house and row.zip5 else None,
            ),
        ):
            ids = found.get(key) if key else None
            if ids and len(ids) == 1:
                return self.final(ids[0])
        return None

    def candidates(self, row) -> list[int]:
        found: set[int] = set()
        for ids in (
            self.emails.get(row.email_key) if row.email_key else None,
            self.phones.get(row.phone_key) if row.phone_key else None,
            self.in_zip.get((row.f, row.l, row.zip5)) if row.f and row.zip5 else None,
        ):
            found.update(i for i in ids or () if i not in self.merged_into)
        return sorted(found)[:10]

    def add(self, row) -> int:
        person = NEW + self.added
        self.added += 1
        if row.email_key:
            self.emails.setdefault(row.email_key, []).append(person)
        if row.phone_key:
            self.phones.setdefault(row.phone_key, []).append(person)
        return person


def _grouped(org: int, sql: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for key, person_id in db.session.execute(text(sql), {"org": org}):
        found.setdefault(key, []).append(person_id)
    return found


def _merges(ids: set[int]) -> dict[int, int]:
    """merged person -> the one it was merged into, for ``ids`` and the chains they start."""
    merged: dict[int, int] = {}
    todo = ids
    while todo:
        rows = db.session.execute(
            text("SELECT id, merged_into_id FROM people WHERE id = ANY(:ids)"
                 " AND merged_into_id IS NOT NULL"),
            {"ids": list(todo)},
        ).all()  # fmt: skip
        merged.update(rows)
        todo = {into for _, into in rows if into not in merged}
    return merged


class _Totals:
    """The donors' aggregates as the gifts arrive: per election, per cycle."""

    def __init__(self, org: int, ids: set[int]):
        self.election: dict[tuple[int, int], int] = {}
        self.cycle: dict[tuple[int, int], int] = {}
        self.confirmed: dict[int, frozenset[str]] = {}
        rows = db.session.execute(
            text("SELECT person_id, election_id, cycle, amount_cents FROM donor_totals"
                 " WHERE organization_id = :org AND person_id = ANY(:ids)"),
            {"org": org, "ids": list(ids)},
        ).all()  # fmt: skip
        for person, election, cycle, cents in rows:
            self.election[(person, election)] = cents
            self.cycle[(person, cycle)] = self.cycle.get((person, cycle), 0) + cents
        confirmed: dict[int, set[str]] = {}
        for person, code in db.session.execute(
            text("SELECT d.person_id, f.code FROM donation_flags f"
                 " JOIN donations d ON d.id = f.donation_id"
                 " WHERE d.person_id = ANY(:ids) AND f.status = 'confirmed'"),
            {"ids": list(ids)},
        ):  # fmt: skip
            confirmed.setdefault(person, set()).add(code)
        self.confirmed = {person: frozenset(codes) for person, codes in confirmed.items()}

    def before(self, person: int, election: int, designations: Designations) -> Standing:
        cycle = designations.cycles[election]
        return Standing(
            self.election.get((person, election), 0),
            self.cycle.get((person, cycle), 0),
            designations.limits[election],
        )

    def add(self, person: int, election: int, cents: int, designations: Designations) -> None:
        self.election[(person, election)] = self.election.get((person, election), 0) + cents
        key = (person, designations.cycles[election])
        self.cycle[key] = self.cycle.get(key, 0) + cents
