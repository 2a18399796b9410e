"""What a report says, read from the ledger: the summary's sums for the period and the cycle
to date, and the itemised lines, each with the contributor's cycle-to-date aggregate.

One pass of SQL: every standing entry of the cycles involved up to the period's last day, with
its donor's running aggregate for the cycle (a window over person and cycle, in the order
received), marked itemised when the aggregate passes the threshold (the rule of
``app.donations.rules.is_itemized``, in SQL), a chargeback as its contribution was. Dates are
the dates received in the campaign's time zone (``received_on``), so a period is a range of
local dates and a gift at 23:30 on the last day is in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text

from app.donations.fec_format import Line
from app.extensions import db

COMMITTEES = ("PAC", "CCM", "COM")
INFORMATION_REQUESTED = "INFORMATION REQUESTED"
#: The conduits' addresses as they registered them with the FEC (the earmark memo's).
KNOWN_CONDUITS = {
    "C00401224": ("PO Box 441146", "Somerville", "MA", "02144"),  # ActBlue
    "C00694323": ("PO Box 9891", "Arlington", "VA", "22219"),  # WinRed
}


@dataclass(frozen=True)
class Period:
    """The days a report covers, both included."""

    start: date
    through: date

    @property
    def cycle(self) -> int:
        """The election cycle the period ends in (named for its even year)."""
        return self.through.year + self.through.year % 2

    @property
    def cycle_start(self) -> date:
        return date(self.cycle - 1, 1, 1)


def local_date(moment: datetime, time_zone: str) -> date:
    """The day ``moment`` falls on in the campaign's time zone: the date a gift is received.

    >>> from datetime import UTC
    >>> local_date(datetime(2026, 4, 1, 6, 30, tzinfo=UTC), "America/Los_Angeles")
    datetime.date(2026, 3, 31)
    """
    if moment.tzinfo is None:
        raise ValueError("a moment without a time zone has no local date")
    return moment.astimezone(ZoneInfo(time_zone)).date()


# Every standing entry that can bear on the report, with the donor's cycle aggregate after it.
_ENTRIES = """
WITH ledger AS (
    SELECT d.id, d.kind, d.person_id, d.amount_cents, d.received_on, d.entity_type,
           d.corrects_id, d.conduit_name, e.cycle,
           CASE WHEN d.person_id IS NULL THEN d.amount_cents
                ELSE sum(d.amount_cents) OVER (PARTITION BY d.person_id, e.cycle
                                               ORDER BY d.received_on, d.id)::bigint
           END AS aggregate_cents{conduit}
    FROM donations d JOIN candidate_elections e ON e.id = d.election_id
    WHERE d.organization_id = :org AND d.voided_at IS NULL AND d.received_on <= :through
      AND e.cycle = ANY(:cycles)
), marked AS (
    SELECT l.*,
           CASE WHEN l.entity_type IN ('PAC', 'CCM', 'COM', 'PTY', 'CAN') THEN true
                WHEN l.person_id IS NULL THEN false
                ELSE l.aggregate_cents > :threshold END AS over_threshold
    FROM ledger l
), entries AS (
    SELECT m.*,
           CASE WHEN m.kind = 'contribution' THEN m.over_threshold
                WHEN m.kind = 'chargeback' THEN coalesce(o.over_threshold, m.over_threshold)
                ELSE true END AS itemized,
           CASE WHEN m.entity_type IN ('IND', 'ORG') THEN 'a'
                WHEN m.entity_type = 'PTY' THEN 'b'
                WHEN m.entity_type = 'CAN' THEN 'd'
                ELSE 'c' END AS source
    FROM marked m LEFT JOIN marked o ON o.id = m.corrects_id
)
"""

_RECEIPT = "kind IN ('contribution', 'chargeback')"


def _summary_sql() -> str:
    sums = []
    for column, since in (("a", ":start"), ("b", ":cycle_start")):
        within = f"received_on >= {since}"
        for name, condition in (
            ("11ai", f"{_RECEIPT} AND source = 'a' AND itemized"),
            ("11aii", f"{_RECEIPT} AND source = 'a' AND NOT itemized"),
            ("11b", f"{_RECEIPT} AND source = 'b'"),
            ("11c", f"{_RECEIPT} AND source = 'c'"),
            ("11d", f"{_RECEIPT} AND source = 'd'"),
        ):
            sums.append(f"coalesce(sum(amount_cents) FILTER (WHERE {within} AND {condition}), 0)")
            sums[-1] += f' AS "{column}_{name}"'
        for name, sources in (("20a", "'a'"), ("20b", "'b'"), ("20c", "'c', 'd'")):
            condition = f"kind = 'refund' AND source IN ({sources})"
            sums.append(
                f"coalesce(-sum(amount_cents) FILTER (WHERE {within} AND {condition}), 0)"
                f' AS "{column}_{name}"'
            )
    # Built from this module's constants only; every value is a bound parameter.
    return _ENTRIES.format(conduit="") + "SELECT " + ",\n       ".join(sums) + " FROM entries"  # noqa: S608


_SUMMARY = _summary_sql()

# The conduit's running total of the earmarked gifts it forwarded this cycle (its memo's
# aggregate); only the lines need it.
_CONDUIT_AGGREGATE = """,
           sum(d.amount_cents) FILTER (WHERE d.conduit_name IS NOT NULL
                                         AND d.kind = 'contribution')
               OVER (PARTITION BY d.conduit_name, e.cycle ORDER BY d.received_on, d.id)::bigint
               AS conduit_aggregate"""

_LINES = (
    _ENTRIES.format(conduit=_CONDUIT_AGGREGATE)
    + """
SELECT en.id, en.kind, en.aggregate_cents, en.source, d.received_on, d.amount_cents,
       d.entity_type, d.organization_name, d.first_name, d.middle_name, d.last_name, d.prefix,
       d.suffix, d.street_1, d.street_2, d.city, d.state, d.zip, d.employer, d.occupation,
       d.method, d.in_kind_description, d.conduit_name, d.conduit_committee_id, d.corrects_id,
       e.code, original.received_on AS original_on, pair_election.code AS pair_code,
       pair.first_name AS pair_first, pair.last_name AS pair_last,
       pair.organization_name AS pair_organization, en.conduit_aggregate
FROM entries en
JOIN donations d ON d.id = en.id
JOIN candidate_elections e ON e.id = d.election_id
LEFT JOIN donations original ON original.id = d.corrects_id
LEFT JOIN donations pair ON d.kind IN ('redesignation', 'reattribution')
     AND pair.group_uuid = d.group_uuid AND pair.id <> d.id AND pair.kind = d.kind
LEFT JOIN candidate_elections pair_election ON pair_election.id = pair.election_id
WHERE en.received_on >= :start AND en.itemized
ORDER BY CASE WHEN en.kind = 'refund' THEN 1 ELSE 0 END, en.source, en.received_on, en.id
"""
)

_CYCLES = text(
    """
    SELECT DISTINCT e.cycle FROM donations d JOIN candidate_elections e ON e.id = d.election_id
    WHERE d.organization_id = :org AND d.received_on BETWEEN :start AND :through
    """
)

_IN_REVIEW = text(
    """
    SELECT count(*) FROM donations d JOIN candidate_elections e ON e.id = d.election_id
    WHERE d.organization_id = :org AND d.match_status = 'review' AND d.voided_at IS NULL
      AND d.received_on <= :through AND e.cycle = ANY(:cycles)
    """
)


def _params(organization_id: int, period: Period, threshold_cents: int) -> dict[str, object]:
    cycles = set(
        db.session.scalars(
            _CYCLES, {"org": organization_id, "start": period.start, "through": period.through}
        )
    )
    return {
        "org": organization_id,
        "start": period.start,
        "through": period.through,
        "cycle_start": period.cycle_start,
        "cycles": sorted(cycles | {period.cycle}),
        "threshold": threshold_cents,
    }


def gifts_in_review(organization_id: int, period: Period) -> int:
    """Gifts the report would count whose donor a person has still to settle."""
    params = _params(organization_id, period, 0)
    return int(db.session.scalar(_IN_REVIEW, params) or 0)


def summary_sums(
    organization_id: int, period: Period, threshold_cents: int
) -> dict[str, dict[str, int]]:
    """The ledger's lines of the summary page, in cents: {"a": {"11ai": ...}, "b": {...}}."""
    params = _params(organization_id, period, threshold_cents)
    row = db.session.execute(text(_SUMMARY), params).mappings().one()
    sums: dict[str, dict[str, int]] = {"a": {}, "b": {}}
    for key, value in row.items():
        column, name = key.split("_", 1)
        sums[column][name] = int(value)
    return sums


def itemized_lines(organization_id: int, period: Period, threshold_cents: int) -> Iterator[Line]:
    """Schedule A's lines (each earmarked gift followed by its conduit's memo entry), then
    Schedule B's refunds, in the order the report lists them."""
    params = _params(organization_id, period, threshold_cents)
    result = db.session.execute(text(_LINES), params).mappings()
    for row in result:
        yield from _lines_of(row)


def _lines_of(row) -> Iterator[Line]:
    kind = row["kind"]
    individual = row["entity_type"] == "IND"
    contributor = {
        "entity_type": row["entity_type"],
        "organization_name": row["organization_name"],
        "last_name": row["last_name"],
        "first_name": row["first_name"],
        "middle_name": row["middle_name"],
        "prefix": row["prefix"],
        "suffix": row["suffix"],
        "street_1": row["street_1"],
        "street_2": row["street_2"],
        "city": row["city"],
        "state": row["state"],
        "zip": row["zip"],
        "election_code": row["code"],
        "date": row["received_on"],
        "donation_id": row["id"],
    }
    if individual:
        contributor["employer"] = row["employer"] or INFORMATION_REQUESTED
        contributor["occupation"] = row["occupation"] or INFORMATION_REQUESTED
    source = row["source"]
    if kind == "refund":
        yield Line(
            form_type={"a": "SB20A", "b": "SB20B"}.get(source, "SB20C"),
            transaction_id=f"B{row['id']}",
            amount_cents=-row["amount_cents"],
            purpose="Contribution Refund",
            category_code="010",
            memo_text=_of_gift("Refund", row["original_on"]),
            **contributor,
        )
        return
    form_type = "SA11" + {"a": "AI", "b": "B", "c": "C", "d": "D"}[source]
    transaction_id = f"A{row['id']}"
    common = {
        **contributor,
        "form_type": form_type,
        "transaction_id": transaction_id,
        "amount_cents": row["amount_cents"],
        "aggregate_cents": row["aggregate_cents"],
    }
    if kind in ("redesignation", "reattribution"):
        yield Line(
            **common,
            purpose=_moved(row),
            is_memo=True,
            back_reference_id=f"A{row['corrects_id']}",
            back_reference_form=form_type,
        )
        return
    if kind == "chargeback":
        yield Line(
            **common, purpose="Chargeback", memo_text=_of_gift("Chargeback", row["original_on"])
        )
        return
    conduit = row["conduit_name"]
    purpose = f"Earmarked through {conduit}" if conduit else None
    if row["method"] == "in_kind":
        purpose = f"In-kind: {row['in_kind_description'] or 'goods or services'}"
    yield Line(**common, purpose=purpose)
    if conduit:
        yield _conduit_memo(row, form_type, transaction_id)


def _conduit_memo(row, form_type: str, parent_id: str) -> Line:
    """The conduit that forwarded an earmarked gift: a memo entry after the contributor's
    line (memo code X), as the FEC's own filing software writes it."""
    committee_id = row["conduit_committee_id"]
    street, city, state, zip_code = KNOWN_CONDUITS.get(committee_id or "", (None,) * 4)
    return Line(
        form_type=form_type,
        transaction_id=f"{parent_id}E",
        back_reference_id=parent_id,
        back_reference_form=form_type,
        entity_type="COM" if committee_id else "ORG",
        organization_name=row["conduit_name"],
        street_1=street,
        city=city,
        state=state,
        zip=zip_code,
        election_code=row["code"],
        date=row["received_on"],
        amount_cents=row["amount_cents"],
        aggregate_cents=row["conduit_aggregate"],
        purpose="Total earmarked through conduit.",
        committee_fec_id=committee_id,
        is_memo=True,
        donation_id=row["id"],
    )


def _moved(row) -> str:
    """The purpose of a redesignation's or reattribution's memo entry, naming the other side."""
    minus = row["amount_cents"] < 0
    if row["kind"] == "redesignation":
        return f"Redesignated {'to' if minus else 'from'} {row['pair_code'] or ''}".strip()
    name = row["pair_organization"] or " ".join(
        part for part in (row["pair_first"], row["pair_last"]) if part
    )
    return f"Reattributed {'to' if minus else 'from'} {name}".strip()


def _of_gift(what: str, received_on: date | None) -> str | None:
    return f"{what} of the contribution of {received_on:%m/%d/%Y}" if received_on else None
