"""The ask: what the candidate asks a donor for on a call, from two numbers.

- **HPC**, the highest previous contribution (``donors.largest_cents``). The ask is the HPC
  raised by ``ask_raise_percent`` (50 % by default), rounded *up* to the next step of the
  ladder campaigns use ($25, $50, $100, $250, $500, $1,000, $1,500, $2,000, $2,500, $3,500,
  $5,000, $7,000; beyond it, to the next $100). Someone with no gift on record is asked the
  campaign's ``default_ask_cents`` ($100).
- **Capacity**, the donor's legal room: for every election not yet held, its limit less what
  they have given to it, added up. The ask never goes above it; a donor with no room left
  (maxed out) is asked for nothing (ask 0: ask them to host or bundle instead). With no
  election set up there is no limit known and the ask is not capped.

    ask = min(ladder_step_at_or_above(HPC * (100 + raise) / 100  or  default), room)
"""

from __future__ import annotations

from collections.abc import Iterable

LADDER_CENTS = (
    2_500,
    5_000,
    10_000,
    25_000,
    50_000,
    100_000,
    150_000,
    200_000,
    250_000,
    350_000,
    500_000,
    700_000,
)
_BEYOND_LADDER_STEP = 10_000


def room_left(standings: Iterable[tuple[int, int]]) -> int | None:
    """Capacity from (aggregate, limit) of each election not yet held; None when there is none.

    >>> room_left([(100_000, 350_000), (0, 350_000)])
    600000
    >>> room_left([(400_000, 350_000)]), room_left([])
    (0, None)
    """
    pairs = list(standings)
    if not pairs:
        return None
    return sum(max(0, limit - given) for given, limit in pairs)


def ladder_step(cents: int) -> int:
    """The first ladder step at or above ``cents``.

    >>> ladder_step(15_000), ladder_step(25_000), ladder_step(812_345)
    (25000, 25000, 820000)
    """
    for step in LADDER_CENTS:
        if step >= cents:
            return step
    return -(-cents // _BEYOND_LADDER_STEP) * _BEYOND_LADDER_STEP


def ask_cents(
    largest_cents: int,
    room_cents: int | None,
    *,
    default_cents: int = 10_000,
    raise_percent: int = 50,
) -> int:
    """The ask (see the module's formula).

    >>> ask_cents(10_000, 700_000)  # HPC $100: $150, up to the ladder's $250
    25000
    >>> ask_cents(100_000, 700_000)  # HPC $1,000: $1,500
    150000
    >>> ask_cents(100_000, 120_000)  # room for $1,200 only
    120000
    >>> ask_cents(0, None)  # never gave, no election set up
    10000
    >>> ask_cents(350_000, 0)  # maxed out
    0
    """
    if room_cents is not None and room_cents <= 0:
        return 0
    base = largest_cents * (100 + raise_percent) // 100 if largest_cents > 0 else default_cents
    ask = ladder_step(max(base, 1))
    return ask if room_cents is None else min(ask, room_cents)
