"""How short and how fast ``turf.order.order_stops`` walks, against LKH-3 (elkai).

    .venv/bin/python bench/walk_order.py [--turfs 30] [--sizes 20 60 100]

For n = 20, 60, 100 stops prints the mean and p90 of (our length / LKH-3 length) and of the
time per list: on random uniform points, then on real West Philadelphia doors (pseudo-turfs:
each precinct's doors cut into spatially close chunks of n) in straight lines, then on the same
doors with walking distances along the 2013 street centreline. LKH solves the same open path on
the same matrix (one extra node at no distance from every stop). With street lines the route is
also made with block faces (``turf.blockfaces``), and with addresses a plain sort by street,
odd/even and house number is printed as the baseline. Goal: mean ratio <= 1.05, under 50 ms
for 100 stops.

``measure_turfs(xy, turfs, ...)`` takes any list of turfs (arrays of indices into ``xy``), so
the turfs of a real cut can be measured the same way. Without the shared folder only the random
points run. Prints figures only, never a door.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import statistics
import time

import elkai
import numpy as np
import shapely
from benchlib import SHARED

from turf.blockfaces import block_faces
from turf.network import street_distances
from turf.order import FACE_PENALTY, order_stops, route_length
from turf.projection import LocalProjection

DOORS = SHARED / "address_points_west.csv.gz"
STREETS = SHARED / "street_centerline_2013.geojson.gz"
GOAL_RATIO, GOAL_MS = 1.05, 50.0


def read_doors() -> dict[str, np.ndarray]:
    """The address points: lon/lat, precinct code and address line (number and street)."""
    with gzip.open(DOORS, "rt", newline="") as file:
        rows = list(csv.DictReader(file))
    return {
        "lonlat": np.array([[float(r["lon"]), float(r["lat"])] for r in rows]),
        "precinct": np.array([r["precinct_code"] for r in rows]),
        "address": np.array([r["address_line"] for r in rows]),
    }


def read_streets() -> np.ndarray:
    """The street centreline segments as LineStrings in lon/lat."""
    with gzip.open(STREETS, "rt") as file:
        features = json.load(file)["features"]
    coords = [f["geometry"]["coordinates"] for f in features]
    return shapely.linestrings(
        np.concatenate(coords), indices=np.repeat(np.arange(len(coords)), [len(c) for c in coords])
    )


def random_turfs(size: int, count: int, seed: int = 0) -> tuple[np.ndarray, list[np.ndarray]]:
    """``count`` turfs of ``size`` uniform random points in a 400 m square, in one array."""
    rng = np.random.default_rng(seed)
    xy = rng.random((size * count, 2)) * 400.0
    return xy, [np.arange(k * size, (k + 1) * size) for k in range(count)]


def pseudo_turfs(xy: np.ndarray, precinct: np.ndarray, size: int) -> list[np.ndarray]:
    """Each precinct's doors cut into spatially close chunks of about ``size``."""
    turfs = []
    for code in np.unique(precinct):
        turfs.extend(_chunks(xy, np.flatnonzero(precinct == code), size))
    return [turf for turf in turfs if len(turf) >= 0.8 * size]


def _chunks(xy: np.ndarray, members: np.ndarray, size: int) -> list[np.ndarray]:
    # Halve along the longer side, in proportion, until each piece holds about ``size``.
    parts = round(len(members) / size)
    if parts <= 1:
        return [members]
    spread = np.ptp(xy[members], axis=0)
    members = members[np.argsort(xy[members, int(spread.argmax())], kind="stable")]
    cut = round(len(members) * (parts // 2) / parts)
    return _chunks(xy, members[:cut], size) + _chunks(xy, members[cut:], size)


def sort_by_address(addresses: np.ndarray) -> np.ndarray:
    """The baseline order: street, then odd/even, then house number."""
    keys = []
    for line in addresses:
        match = re.match(r"(\d+)\D*?\s+(.*)", line)
        number, street = (int(match[1]), match[2]) if match else (0, line)
        keys.append((street, number % 2, number))
    return np.array(sorted(range(len(keys)), key=keys.__getitem__))


def lkh_length(cost: np.ndarray) -> float:
    """LKH-3's open path through ``cost``: a tour through one extra node at no distance."""
    n = len(cost)
    closed = np.zeros((n + 1, n + 1))
    closed[:n, :n] = cost
    # elkai reads whole numbers best: centimetres.
    tour = elkai.DistanceMatrix(np.rint(closed * 100).astype(int).tolist()).solve_tsp(runs=3)
    tour = np.array(tour[:-1])
    at = int(np.flatnonzero(tour == n)[0])
    return route_length(np.r_[tour[at + 1 :], tour[:at]], distances=cost)


def measure_turfs(xy, turfs, *, streets=None, faces=None, addresses=None) -> list[dict]:
    """Per turf: our ratio to LKH, time, and with ``faces`` / ``addresses`` the face-grouped
    and address-sorted ratios; on street distances when ``streets`` (metres) are given."""
    rows = []
    for turf in turfs:
        row = {"n": len(turf)}
        started = time.perf_counter()
        cost = street_distances(xy[turf], streets) if streets is not None else None
        row["matrix_ms"] = (time.perf_counter() - started) * 1e3
        points = {"distances": cost} if cost is not None else {"xy": xy[turf]}
        started = time.perf_counter()
        route = order_stops(**points)
        row["ms"] = (time.perf_counter() - started) * 1e3
        best = lkh_length(cost if cost is not None else _straight(xy[turf]))
        row["ratio"] = route.length / best
        if faces is not None:
            grouped = order_stops(**points, faces=faces[turf])
            row["faces_ratio"] = grouped.length / best
            row["faces_whole"] = _whole_faces(faces[turf][grouped.order])
            # The fair yardstick of a face-grouped route: LKH-3 under the same rule (each
            # change of face costs FACE_PENALTY metres), both measured with the penalty.
            labels = faces[turf]
            known = labels >= 0
            changes = (labels[:, None] != labels[None, :]) & known[:, None] & known[None, :]
            ruled = (cost if cost is not None else _straight(xy[turf])) + FACE_PENALTY * changes
            row["faces_rule_ratio"] = route_length(grouped.order, distances=ruled) / lkh_length(
                ruled
            )
            row["plain_whole"] = _whole_faces(faces[turf][route.order])
        if addresses is not None:
            row["sorted_ratio"] = route_length(sort_by_address(addresses[turf]), **points) / best
        rows.append(row)
    return rows


def _straight(points: np.ndarray) -> np.ndarray:
    return np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))


def _whole_faces(walked: np.ndarray) -> float:
    """Share of the known faces walked in one run (stops of no face left aside)."""
    known = walked[walked >= 0]
    if not len(known):
        return 1.0
    runs = known[np.r_[True, known[1:] != known[:-1]]]
    _, per_face = np.unique(runs, return_counts=True)
    return float(np.mean(per_face == 1))


def report(title: str, rows: list[dict], sizes: list[int]) -> None:
    """Mean and p90 per size class (each list counts in the class nearest its size)."""
    print(f"\n{title}")
    print(f"  {'n':>4} {'lists':>5}  {'ours/LKH mean':>13} {'p90':>6}  {'ms mean':>7} {'p90':>6}"
          "  extra")  # fmt: skip
    nearest = [min(sizes, key=lambda size: abs(size - row["n"])) for row in rows]
    for n in sorted(set(nearest)):
        group = [row for row, size in zip(rows, nearest, strict=True) if size == n]
        ratio, ms = _column(group, "ratio"), _column(group, "ms")
        extra = []
        if "faces_ratio" in group[0]:
            faces = _column(group, "faces_ratio")
            whole, plain = _column(group, "faces_whole")[0], _column(group, "plain_whole")[0]
            rule = _column(group, "faces_rule_ratio")
            extra.append(
                f"with faces {faces[0]:.3f} (p90 {faces[1]:.3f}), faces whole {whole:.0%}"
                f" ({plain:.0%} without); vs LKH under the same face rule {rule[0]:.3f}"
                f" (p90 {rule[1]:.3f})"
            )
        if "sorted_ratio" in group[0]:
            extra.append(f"address sort {_column(group, 'sorted_ratio')[0]:.2f}")
        if group[0]["matrix_ms"] > 0.5:
            extra.append(f"matrix {_column(group, 'matrix_ms')[0]:.0f} ms")
        print(f"  {n:>4} {len(group):>5}  {ratio[0]:>13.3f} {ratio[1]:>6.3f}  {ms[0]:>7.1f}"
              f" {ms[1]:>6.1f}  {'; '.join(extra)}")  # fmt: skip


def _column(rows: list[dict], key: str) -> tuple[float, float]:
    values = [row[key] for row in rows]
    return statistics.fmean(values), float(np.percentile(values, 90))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turfs", type=int, default=30, help="lists per size and source")
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 60, 100])
    args = parser.parse_args()
    print(f"goal: mean ours/LKH <= {GOAL_RATIO}, under {GOAL_MS:.0f} ms for 100 stops")
    rows = []
    for size in args.sizes:
        xy, turfs = random_turfs(size, args.turfs)
        rows += measure_turfs(xy, turfs)
    report("random uniform points, straight lines", rows, args.sizes)
    if not (DOORS.exists() and STREETS.exists()):
        print(f"\n{SHARED} is absent: no real doors")
        return
    doors, streets = read_doors(), read_streets()
    projection = LocalProjection.around(doors["lonlat"])
    xy, lines = projection.forward(doors["lonlat"]), projection.forward_geometry(streets)
    faces = block_faces(xy, lines)
    chosen = {size: _spread(pseudo_turfs(xy, doors["precinct"], size), args.turfs)
              for size in args.sizes}  # fmt: skip
    common = {"faces": faces, "addresses": doors["address"]}
    straight = [row for size in args.sizes for row in measure_turfs(xy, chosen[size], **common)]
    report("West Philadelphia doors (pseudo-turfs), straight lines", straight, args.sizes)
    walked = [
        row
        for size in args.sizes
        for row in measure_turfs(xy, chosen[size], streets=lines, **common)
    ]
    report("the same doors, walking distances on the street centreline", walked, args.sizes)


def _spread(turfs: list[np.ndarray], count: int) -> list[np.ndarray]:
    """``count`` turfs taken evenly through the list (so through the precincts)."""
    picks = np.linspace(0, len(turfs) - 1, min(count, len(turfs))).round().astype(int)
    return [turfs[k] for k in picks]


if __name__ == "__main__":
    main()
