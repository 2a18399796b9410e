"""Write a Pennsylvania-layout voter file of a state's size from the shared West Philadelphia file.

    .venv/bin/python bench/make_state_file.py /tmp/pa_2m.csv.gz            # 2,000,000 voters
    .venv/bin/python bench/make_state_file.py /tmp/pa_2m_b.csv.gz --revision 2
    BENCH_VOTER_FILE=/tmp/pa_2m.csv.gz .venv/bin/python bench/import_voters.py

Each output voter is a voter of the shared file (its address, street and precinct), in copy
``k`` of the file: a new voter id of the same shape, the house number moved by 10,000 per copy
(a new address on the same street), the point moved up to about 100 m (so it stays in or
beside its precinct), a name drawn from voters of the same gender, and the political record
(party, status, dates, birth year and all 80 vote-history columns) of a voter drawn from the
same precinct, so every distribution within a precinct is the shared file's. Deterministic
for a given seed. Nothing of it is printed.

``--revision 2`` writes the same voters a month later: 2 % have moved (a new house number),
3 % a new party or status, 1 % are gone and 1 % are new; importing it after the first is an
update (bench/import_voters.py's BENCH_UPDATE_FILE).

Memory stays flat: the shared file's rows are held once (about 150,000), the output streamed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import random
from collections import defaultdict
from pathlib import Path

from benchlib import VOTER_FILE

ID, LAST, FIRST, MIDDLE, GENDER = 0, 2, 3, 4, 6
HOUSE, POINT, PRECINCT = 12, 28, 30
# Pennsylvania's voter record, kept together: DOB, registration date, status, status change
# date, party; last vote date; the 80 vote-history columns; birth year.
RECORD = [7, 8, 9, 10, 11, 29, *range(33, 113), 116]
PARTY, STATUS = 11, 9
METERS_PER_DEGREE = 111_000


def read_source(path: Path) -> tuple[list[str], list[list[str]]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as data:
        reader = csv.reader(data)
        header = next(reader)
        return header, list(reader)


def voter(rows, names, precincts, rng: random.Random, i: int, copy: int) -> list[str]:
    """Copy ``copy`` of the shared file's row ``i``."""
    row = list(rows[i])
    county = row[ID].rpartition("-")[2]
    row[ID] = f"{copy:02d}{i:07d}-{county}"  # unique, in the shape: nine digits, '-', county
    if copy == 0:
        return row
    donor = rows[rng.choice(names[row[GENDER]])]
    row[LAST], row[FIRST], row[MIDDLE] = donor[LAST], donor[FIRST], donor[MIDDLE]
    record = rows[rng.choice(precincts[row[PRECINCT]])]
    for at in RECORD:
        row[at] = record[at]
    if row[HOUSE].isdigit():
        row[HOUSE] = str(int(row[HOUSE]) + 10_000 * copy)
    if "," in row[POINT]:
        lon, _, lat = row[POINT].partition(",")
        try:
            shift = 100 / METERS_PER_DEGREE
            lon_f = float(lon) + rng.uniform(-shift, shift)
            lat_f = float(lat) + rng.uniform(-shift, shift)
            row[POINT] = f"{lon_f:.6f},{lat_f:.6f}"
        except ValueError:
            pass
    return row


def revise(row: list[str], rows, rng: random.Random) -> list[str] | None:
    """The same voter a month later: moved, re-registered, gone, or as before."""
    draw = rng.random()
    if draw < 0.01:
        return None
    if draw < 0.03 and row[HOUSE].isdigit():
        row[HOUSE] = str(int(row[HOUSE]) + 2)
    elif draw < 0.06:
        other = rows[rng.randrange(len(rows))]
        row[PARTY], row[STATUS] = other[PARTY], other[STATUS]
    return row


def write(path: Path, voters: int, revision: int, seed: int) -> int:
    header, rows = read_source(VOTER_FILE)
    names: dict[str, list[int]] = defaultdict(list)
    precincts: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        names[row[GENDER]].append(i)
        precincts[row[PRECINCT]].append(i)
    written = 0
    with (
        gzip.open(path, "wb", compresslevel=1) as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="") as out,
    ):
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        revisions = random.Random(seed + revision)
        for n in range(voters):
            copy, i = divmod(n, len(rows))
            # One generator per voter: the same voter whatever the revision.
            row = voter(rows, names, precincts, random.Random(seed * 1_000_003 + n), i, copy)
            if revision > 1 and (row := revise(row, rows, revisions)) is None:
                continue
            writer.writerow(row)
            written += 1
        if revision > 1:  # the new registrations: copies past the last one
            for n in range(voters, voters + voters // 100):
                copy, i = divmod(n, len(rows))
                rng = random.Random(seed * 1_000_003 + n)
                writer.writerow(voter(rows, names, precincts, rng, i, copy))
                written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--voters", type=int, default=2_000_000)
    parser.add_argument("--revision", type=int, default=1)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    written = write(args.path, args.voters, args.revision, args.seed)
    size = args.path.stat().st_size / (1 << 20)
    print(f"{args.path}: {written:,} voters, {size:,.0f} MiB gzipped")


if __name__ == "__main__":
    main()
