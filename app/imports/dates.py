"""Dates in a voter file's own format, read by inline SQL (no function call per row).

``sql_date(expr, fmt)`` is the date, or NULL when the text is blank or not a real date;
``sql_bad_date(expr, fmt)`` is true when the text is not blank and not a real date. A bad
date never raises inside a set-based statement. The shape is checked without a regular
expression (the digits taken out leave only the separators, and each part has its width) and
the parts taken with ``split_part``: PostgreSQL's regular expressions cost about 3 us a value,
with capture groups ten times that, which shows on a million rows.
"""

from __future__ import annotations

# format -> (widths of its digit runs, separator or None for fixed width, part numbers of
# year, month, day)
DATE_FORMATS = {
    "MM/DD/YYYY": (((1, 2), (1, 2), (4, 4)), "/", (3, 1, 2)),
    "DD/MM/YYYY": (((1, 2), (1, 2), (4, 4)), "/", (3, 2, 1)),
    "MM-DD-YYYY": (((1, 2), (1, 2), (4, 4)), "-", (3, 1, 2)),
    "YYYY-MM-DD": (((4, 4), (1, 2), (1, 2)), "-", (1, 2, 3)),
    "YYYYMMDD": (((8, 8),), None, None),
}
DIGITS = "'0123456789'"


def _parts(text: str, fmt: str) -> tuple[str, str, str]:
    _, separator, order = DATE_FORMATS[fmt]
    if separator is None:
        return (
            f"substr({text}, 1, 4)::int",
            f"substr({text}, 5, 2)::int",
            f"substr({text}, 7, 2)::int",
        )
    y, m, d = (f"split_part({text}, '{separator}', {n})::int" for n in order)
    return y, m, d


def _has_shape(text: str, fmt: str) -> str:
    """Only ASCII digits and the format's separators, each run of digits of its width."""
    widths, separator, _ = DATE_FORMATS[fmt]
    separators = (separator or "") * (len(widths) - 1)
    runs = (
        [f"length({text})"]
        if separator is None
        else [f"length(split_part({text}, '{separator}', {n}))" for n in range(1, len(widths) + 1)]
    )
    return " AND ".join(
        [f"translate({text}, {DIGITS}, '') = '{separators}'"]
        + [f"{run} BETWEEN {low} AND {high}" for run, (low, high) in zip(runs, widths, strict=True)]
    )


def _is_real(expr: str, fmt: str) -> str:
    text = f"btrim({expr})"
    y, m, d = _parts(text, fmt)
    # Days in the month by arithmetic (no date built per row): Feb 28/29, else 30 or 31.
    leap = f"({y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0))::int"
    days = f"CASE WHEN {m} = 2 THEN 28 + {leap} ELSE 30 + ({m} + {m} / 8) % 2 END"
    return (
        f"CASE WHEN NOT coalesce({_has_shape(text, fmt)}, false) THEN false"
        f" WHEN {y} NOT BETWEEN 1850 AND 2100 OR {m} NOT BETWEEN 1 AND 12 THEN false"
        f" ELSE {d} BETWEEN 1 AND {days} END"
    )


def sql_date(expr: str, fmt: str) -> str:
    y, m, d = _parts(f"btrim({expr})", fmt)
    return f"CASE WHEN {_is_real(expr, fmt)} THEN make_date({y}, {m}, {d}) END"


def sql_checked_date(expr: str, fmt: str) -> str:
    """The date of a value that ``sql_bad_date`` has already passed: C-speed ``to_date``."""
    return f"to_date(nullif(btrim({expr}), ''), '{fmt}')"


def sql_bad_date(expr: str, fmt: str) -> str:
    return f"(coalesce(btrim({expr}), '') <> '' AND NOT {_is_real(expr, fmt)})"
