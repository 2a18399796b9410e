"""Running totals: a person's aggregate per election, and their giving summary.

The limit check reads one row (``donor_totals``, unique on person and election), so it costs
the same with a million donations stored as with ten. The row is moved by the same statement
that reads it back (an upsert), which also locks it: two gifts from one person arriving at
once are counted one after the other, never both against the old total.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import BigInteger, any_, bindparam, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, insert

from app.donations.models import CandidateElection, Donor, DonorTotal
from app.donations.rules import Standing
from app.extensions import db
from app.people.models import Person


def add_to_total(
    organization_id: int, person_id: int, election: CandidateElection, amount_cents: int
) -> int:
    """Move a person's aggregate for ``election`` by ``amount_cents``; return the new one."""
    statement = insert(DonorTotal).values(
        organization_id=organization_id,
        person_id=person_id,
        election_id=election.id,
        cycle=election.cycle,
        amount_cents=amount_cents,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["person_id", "election_id"],
        set_={"amount_cents": DonorTotal.amount_cents + statement.excluded.amount_cents},
    ).returning(DonorTotal.amount_cents)
    return int(db.session.execute(statement).scalar_one())


def standing_of(person_id: int, election: CandidateElection) -> Standing:
    """Where a person stands now for an election and its cycle (no lock)."""
    rows = db.session.execute(
        select(DonorTotal.election_id, DonorTotal.amount_cents).where(
            DonorTotal.person_id == person_id, DonorTotal.cycle == election.cycle
        )
    ).all()
    election_cents = sum(amount for election_id, amount in rows if election_id == election.id)
    cycle_cents = sum(amount for _, amount in rows)
    return Standing(election_cents, cycle_cents, election.limit_cents)


def cycle_total(person_id: int, cycle: int) -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(DonorTotal.amount_cents), 0)).where(
                DonorTotal.person_id == person_id, DonorTotal.cycle == cycle
            )
        )
    )


_REFRESH_TOTALS = text(
    """
    WITH sums AS (
        SELECT d.person_id, d.election_id, e.cycle, sum(d.amount_cents) AS amount_cents
        FROM donations d JOIN candidate_elections e ON e.id = d.election_id
        WHERE d.organization_id = :org AND d.person_id = ANY(:ids) AND d.voided_at IS NULL
        GROUP BY d.person_id, d.election_id, e.cycle
    ), gone AS (
        DELETE FROM donor_totals t
        WHERE t.organization_id = :org AND t.person_id = ANY(:ids)
          AND NOT EXISTS (SELECT 1 FROM sums s
                          WHERE s.person_id = t.person_id AND s.election_id = t.election_id)
    )
    INSERT INTO donor_totals (organization_id, person_id, election_id, cycle, amount_cents)
    SELECT :org, person_id, election_id, cycle, amount_cents FROM sums
    ON CONFLICT (person_id, election_id) DO UPDATE SET amount_cents = excluded.amount_cents
    """
)

# The summary counts gifts (contributions, net of what was refunded of each); a
# redesignation or reattribution moves money between elections or signers, so it moves the
# total but is not a gift of its own.
_REFRESH_DONORS = text(
    """
    WITH entries AS (
        SELECT d.person_id, d.kind, d.amount_cents, d.received_on, d.method,
               d.recurring_series
        FROM donations d
        WHERE d.organization_id = :org AND d.person_id = ANY(:ids) AND d.voided_at IS NULL
    ), summary AS (
        SELECT person_id,
               sum(amount_cents) AS total_cents,
               coalesce(max(amount_cents) FILTER (WHERE kind = 'contribution'), 0) AS largest,
               count(*) FILTER (WHERE kind = 'contribution') AS gifts,
               min(received_on) FILTER (WHERE kind = 'contribution') AS first_on,
               max(received_on) FILTER (WHERE kind = 'contribution') AS last_on,
               bool_or(recurring_series IS NOT NULL) AS recurring,
               array_agg(DISTINCT method ORDER BY method)
                   FILTER (WHERE kind = 'contribution') AS methods
        FROM entries GROUP BY person_id
    )
    INSERT INTO donors (organization_id, person_id, total_cents, largest_cents, gift_count,
                        first_gift_on, last_gift_on, is_recurring, methods)
    SELECT :org, person_id, total_cents, largest, gifts, first_on, last_on,
           coalesce(recurring, false), coalesce(methods, '{}')
    FROM summary
    ON CONFLICT (organization_id, person_id) DO UPDATE SET
        total_cents = excluded.total_cents, largest_cents = excluded.largest_cents,
        gift_count = excluded.gift_count, first_gift_on = excluded.first_gift_on,
        last_gift_on = excluded.last_gift_on, is_recurring = excluded.is_recurring,
        methods = excluded.methods, updated_at = now()
    """
)


_EMPTY_DONORS = text(
    """
    UPDATE donors SET total_cents = 0, largest_cents = 0, gift_count = 0, first_gift_on = NULL,
                      last_gift_on = NULL, is_recurring = false, methods = '{}', updated_at = now()
    WHERE organization_id = :org AND person_id = ANY(:ids)
      AND NOT EXISTS (SELECT 1 FROM donations d WHERE d.person_id = donors.person_id
                      AND d.organization_id = :org AND d.voided_at IS NULL)
    """
)


def refresh_totals(organization_id: int, person_ids: Iterable[int]) -> None:
    """Recompute the aggregates and summaries of ``person_ids`` from the ledger (set-based:
    what a bulk import calls once for the people it touched, and a void or merge calls for
    the people it moved), and whether each is a donor (``Person.is_donor``)."""
    ids = sorted({int(person_id) for person_id in person_ids})
    if not ids:
        return
    params = {"org": organization_id, "ids": ids}
    db.session.execute(_REFRESH_TOTALS, params)
    db.session.execute(_REFRESH_DONORS, params)
    db.session.execute(_EMPTY_DONORS, params)
    gave = (
        select(Donor.id)
        .where(
            Donor.person_id == Person.id,
            or_(Donor.gift_count > 0, Donor.total_cents > 0),
        )
        .exists()
    )
    # Through the ORM, so the people loaded in this session see it too (a merge's answer).
    db.session.execute(
        update(Person)
        .where(
            Person.organization_id == organization_id,
            # One array parameter: an import touches more people than a statement has
            # parameters (65,535).
            Person.id == any_(bindparam("person_ids", ids, type_=ARRAY(BigInteger))),
            Person.is_donor.is_distinct_from(gave),
        )
        .values(is_donor=gave)
        .execution_options(synchronize_session="fetch")
    )
