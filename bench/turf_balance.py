"""The turf-balance goal of issue 21 and the floor the data put under it, per ward.

Not a benchmark itself; ``bench/turf_cut.py`` imports it.

The goal: over the turfs that are not one building heavier than a turf and a third (no cut
that keeps a building whole can balance those), std/mean of the turfs' weights at most 0.05
and every turf within +-33 % of the target, in every ward.

With precincts kept whole, each precinct's turfs share its weight: a precinct of ``W`` cut in
``k`` turfs can do no better than ``k`` turfs of ``W / k``. So even a perfect split inside
every precinct leaves the spread of the ``W / k`` across the ward's precincts. Two floors:

- ``floor``: every precinct split perfectly into as many turfs as the cut made there (the
  count whose mean is nearest the target); what the cut itself can still gain.
- ``best_floor``: the lowest std/mean any choice of turf counts per precinct could give
  (every turf still within +-33 %), and the mean turf size it needs. For a given total count
  ``K`` the mean is fixed and the spread is least when ``sum(W**2 / k)`` is (each term is
  convex in ``k``), which adding turfs one at a time where they lower it most reaches
  exactly; every ``K`` is tried.

Both ignore that buildings are whole, so both are lower bounds on what a cut can reach.
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from turf.cut import Cut
from turf.metrics import TOLERANCE, is_oversized_stop

GOAL_STD_OVER_MEAN = 0.05


def goal_figures(result: Cut, xy: np.ndarray, target: float) -> dict:
    """The goal's figures for one ward's cut, and its floors."""
    apart = np.array([is_oversized_stop(t, xy, target) for t in result.turfs], dtype=bool)
    kept = [t for t, alone in zip(result.turfs, apart, strict=True) if not alone]
    weights = np.array([t.weight for t in kept])
    std_over_mean = float(weights.std() / weights.mean())
    ratios = weights / target
    within = bool((np.abs(ratios - 1) <= TOLERANCE).all())
    per_part: dict[int, list[float]] = {}
    for turf in kept:
        per_part.setdefault(turf.part, []).append(turf.weight)
    parts = [(sum(w), len(w)) for w in per_part.values()]
    best, best_mean = best_floor([w for w, _ in parts], target)
    return {
        "turfs": len(kept),
        "apart": int(apart.sum()),
        "std_over_mean": std_over_mean,
        "min_ratio": float(ratios.min()),
        "max_ratio": float(ratios.max()),
        "within": within,
        "met": within and std_over_mean <= GOAL_STD_OVER_MEAN,
        "floor": _spread([(w / k, k) for w, k in parts]),
        "best_floor": best,
        "best_mean": best_mean,
    }


def best_floor(part_weights: list[float], target: float) -> tuple[float, float]:
    """The least std/mean of turf weights over every choice of turf counts per part (each
    part split perfectly, every turf within +-33 % of ``target`` where a count allows it),
    and the mean turf weight at that choice.

    >>> best_floor([120, 60], 60)
    (0.0, 60.0)
    >>> [round(x, 3) for x in best_floor([130, 60], 60)]
    [0.037, 63.333]
    """
    weights = [w for w in part_weights if w > 0]
    low = [max(1, math.ceil(w / ((1 + TOLERANCE) * target))) for w in weights]
    high = [
        max(lo, math.floor(w / ((1 - TOLERANCE) * target)))
        for w, lo in zip(weights, low, strict=True)
    ]
    counts = list(low)

    def gain(i: int) -> float:
        w, k = weights[i], counts[i]
        return w * w / k - w * w / (k + 1)

    queue = [(-gain(i), i) for i in range(len(weights)) if counts[i] < high[i]]
    heapq.heapify(queue)
    best = (math.inf, 0.0)
    while True:
        total = sum(counts)
        spread = _spread([(w / k, k) for w, k in zip(weights, counts, strict=True)])
        best = min(best, (spread, sum(weights) / total))
        if not queue:
            return best
        _, i = heapq.heappop(queue)
        counts[i] += 1
        if counts[i] < high[i]:
            heapq.heappush(queue, (-gain(i), i))


def _spread(sizes: list[tuple[float, int]]) -> float:
    """std/mean of turfs given as (weight, how many turfs of that weight)."""
    values = np.array([s for s, _ in sizes])
    repeat = np.array([k for _, k in sizes])
    mean = float((values * repeat).sum() / repeat.sum())
    variance = float((repeat * (values - mean) ** 2).sum() / repeat.sum())
    return math.sqrt(variance) / mean
