"""The contribution rules of a federal candidate committee, as pure functions of cents.

Nothing here reads the database: the operations give the facts (the gift, the donor's
aggregate before it, the campaign's limits) and store what comes back. Every limit is the
campaign's setting (``CommitteeSettings``, ``CandidateElection.limit_cents``); the defaults
are the FEC's for 2025-2026.

>>> gift = Gift(amount_cents=350_001, method="check", employer="Self", occupation="Writer")
>>> check_contribution(gift, Standing(0, 0, 350_000), Limits()).flags
{'excessive': 1}
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.donations.models import EntityType, FlagCode, Method

FEDERAL_LIMIT_CENTS = 350_000  # per individual per election, 2025-2026


@dataclass(frozen=True)
class Limits:
    itemization_threshold_cents: int = 20_000
    cash_limit_cents: int = 10_000
    anonymous_cash_limit_cents: int = 5_000


@dataclass(frozen=True)
class Gift:
    """What the rules need to know of one contribution."""

    amount_cents: int
    method: str
    entity_type: str = EntityType.INDIVIDUAL.value
    is_anonymous: bool = False
    employer: str | None = None
    occupation: str | None = None
    country: str = "US"
    #: What staff know of the donor already (a flag they confirmed on an earlier gift).
    known_flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Standing:
    """Where the donor stood before the gift: their aggregate for the gift's election and for
    its cycle, and the election's limit."""

    election_cents: int
    cycle_cents: int
    limit_cents: int


@dataclass(frozen=True)
class Verdict:
    """``flags``: code -> the amount at stake in cents. ``excess_cents``: the part of the gift
    over the election's limit (also in ``flags``)."""

    flags: dict[str, int] = field(default_factory=dict)
    excess_cents: int = 0


_SEVERE = (FlagCode.FEDERAL_CONTRACTOR, FlagCode.FOREIGN_NATIONAL, FlagCode.IN_NAME_OF_ANOTHER)


def excess_of(amount_cents: int, aggregate_before_cents: int, limit_cents: int) -> int:
    """The part of a gift over the limit, given what the donor had given to the election.

    >>> excess_of(100_000, 300_000, 350_000)
    50000
    >>> excess_of(50_000, 300_000, 350_000)
    0
    >>> excess_of(10_000, 400_000, 350_000)  # already over: all of it
    10000
    """
    if amount_cents <= 0:
        return 0
    over = aggregate_before_cents + amount_cents - limit_cents
    return max(0, min(amount_cents, over))


def check_contribution(gift: Gift, before: Standing, limits: Limits) -> Verdict:
    """The flags one contribution raises when it arrives. A missing employer or occupation
    matters once the donor is itemised (their cycle aggregate passes the threshold)."""
    flags: dict[str, int] = {}
    if gift.amount_cents <= 0:
        return Verdict()
    is_cash = gift.method == Method.CASH.value
    if gift.is_anonymous:
        if is_cash and gift.amount_cents > limits.anonymous_cash_limit_cents:
            flags[FlagCode.ANONYMOUS_CASH.value] = (
                gift.amount_cents - limits.anonymous_cash_limit_cents
            )
        return Verdict(flags=flags)
    if is_cash and gift.amount_cents > limits.cash_limit_cents:
        flags[FlagCode.CASH_OVER_LIMIT.value] = gift.amount_cents - limits.cash_limit_cents
    if gift.entity_type in (EntityType.ORGANIZATION.value,):
        # Corporations and unions may not give to a candidate; other committees follow
        # their own limits (not this table's): a person confirms which it is.
        flags[FlagCode.NOT_INDIVIDUAL.value] = gift.amount_cents
    if gift.country and gift.country.upper() != "US":
        # A foreign address is not proof, but a green-card holder abroad must say so.
        flags[FlagCode.FOREIGN_NATIONAL.value] = gift.amount_cents
    for code in _SEVERE:
        if code.value in gift.known_flags:
            flags[code.value] = gift.amount_cents
    excess = 0
    if gift.entity_type == EntityType.INDIVIDUAL.value:
        excess = excess_of(gift.amount_cents, before.election_cents, before.limit_cents)
        if excess:
            flags[FlagCode.EXCESSIVE.value] = excess
        itemized = is_itemized(before.cycle_cents + gift.amount_cents, limits)
        missing = not (gift.employer or "").strip() or not (gift.occupation or "").strip()
        if itemized and missing:
            flags[FlagCode.MISSING_EMPLOYER.value] = 0
    return Verdict(flags=flags, excess_cents=excess)


def is_itemized(cycle_aggregate_cents: int, limits: Limits) -> bool:
    """A contributor is itemised once their aggregate for the cycle passes the threshold.

    >>> is_itemized(20_000, Limits()), is_itemized(20_001, Limits())
    (False, True)
    """
    return cycle_aggregate_cents > limits.itemization_threshold_cents
