"""How much weight each border between neighbouring turfs should carry to even them out.

The flows are the diffusion solution of load balancing: with ``L`` the Laplacian of the turfs'
adjacency and ``b`` each turf's excess over the mean of its connected group, ``L phi = b``,
and the flow from a turf to a neighbour is the drop in ``phi``. Moved, they leave every turf
at its group's mean, with the least movement (in the sum of squared amounts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from turf._typing import FloatArray, IntArray
from turf.graph import distinct_pairs, label_runs

__all__ = ["Flows", "border_flows"]

#: Up to this many turfs the flows are solved at once (dense), beyond by conjugate gradients.
DENSE = 80
#: Conjugate-gradient steps at most, and the residual that is close enough: every turf's
#: flows add up to its excess within this much weight (a twentieth of a door).
CG_STEPS, CG_TOLERANCE = 500, 0.05


@dataclass(frozen=True)
class Flows:
    """Weight to move between neighbouring turfs: ``amounts[i]`` from turf ``pairs[i, 0]``
    to turf ``pairs[i, 1]``; each turf's ``potential`` (weight flows downhill) and the
    ``mean`` weight of its connected group of turfs, which the flows bring it to."""

    pairs: IntArray
    amounts: FloatArray
    potential: FloatArray
    mean: FloatArray


def border_flows(totals: npt.ArrayLike, edges: npt.ArrayLike) -> Flows:
    """The weight to move across each border so that neighbouring turfs even out.

    Parameters
    ----------
    totals : (k,) weight of each turf.
    edges : (m, 2) pairs of neighbouring turfs (each pair once or both ways).

    Returns
    -------
    Flows: (e, 2) directed pairs (from, to) and (e,) positive amounts that, moved, leave
    every connected group of turfs at its mean weight; the least such movement (in the sum
    of squared amounts).

    Examples
    --------
    Three turfs in a row, 70, 60 and 50: ten doors go from the first to the last, through
    the middle one:

    >>> flows = border_flows([70, 60, 50], [[0, 1], [1, 2]])
    >>> flows.pairs.tolist(), flows.amounts.round(6).tolist()
    ([[0, 1], [1, 2]], [10.0, 10.0])
    """
    weight = np.asarray(totals, dtype=float)
    pairs = distinct_pairs(np.sort(np.asarray(edges, dtype=np.int64).reshape(-1, 2), axis=1))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if not len(pairs):
        return Flows(np.empty((0, 2), np.int64), np.empty(0), np.zeros(len(weight)), weight)
    group = label_runs(np.zeros(len(weight), np.int64), pairs)
    size = np.bincount(group, minlength=len(weight))
    mean = np.bincount(group, weights=weight, minlength=len(weight)) / np.maximum(size, 1)
    phi = _solve_laplacian(len(weight), pairs, weight - mean[group])
    drop = phi[pairs[:, 0]] - phi[pairs[:, 1]]
    directed: IntArray = np.where((drop >= 0)[:, None], pairs, pairs[:, ::-1])
    return Flows(directed, np.abs(drop), phi, mean[group])


def _solve_laplacian(n: int, pairs: IntArray, excess: FloatArray) -> FloatArray:
    """Conjugate gradients for ``L phi = excess`` (``excess`` sums to zero on each connected
    group, so the singular system has solutions; the iterates stay in the right space)."""
    a = np.concatenate([pairs[:, 0], pairs[:, 1]])
    b = np.concatenate([pairs[:, 1], pairs[:, 0]])
    degree = np.bincount(a, minlength=n).astype(float)
    if n <= DENSE:
        matrix = np.diag(degree)
        matrix[a, b] = -1.0  # each pair once each way
        exact: FloatArray = np.asarray(np.linalg.lstsq(matrix, excess, rcond=None)[0], float)
        return exact

    def laplacian(x: FloatArray) -> FloatArray:
        product: FloatArray = degree * x - np.bincount(a, weights=x[b], minlength=n)
        return product

    phi = np.zeros(n)
    residual = excess.copy()
    direction = residual.copy()
    squared = float(residual @ residual)
    for _ in range(CG_STEPS):
        if not squared or np.abs(residual).max() <= CG_TOLERANCE:
            break
        towards = laplacian(direction)
        step = squared / float(direction @ towards)
        phi += step * direction
        residual -= step * towards
        new_squared = float(residual @ residual)
        direction = residual + (new_squared / squared) * direction
        squared = new_squared
    return phi
