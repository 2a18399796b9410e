"""Dates in a voter file's own format, read by inline SQL (no function call per row).

``sql_date(expr, fmt)`` is the date, or NULL when the text is blank or not a real date;
``sql_bad_date(expr, fmt)`` is true when the text is not blank and not a real date. A bad
date never raises inside a set-based statement. The shape is checked with ``~`` and the parts
taken with ``split_part``: PostgreSQL's regular expressions with capture groups run about ten
times slower, which shows on a million rows.
"""

from __future__ import annotations

# format -> (shape, separator or None for fixed width, part numbers of year, month, day)
DATE_FORMATS = {
    "MM/DD/YYYY": ("^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$", "/", (3, 1, 2)),
    "DD/MM/YYYY": ("^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$", "/", (3, 2, 1)),
    "MM-DD-YYYY": ("^[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}$", "-", (3, 1, 2)),
    "YYYY-MM-DD": ("^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$", "-", (1, 2, 3)),
    "YYYYMMDD": ("^[0-9]{8}$", None, None),
}


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


def _is_real(expr: str, fmt: str) -> str:
    text = f"btrim({expr})"
    y, m, d = _parts(text, fmt)
    # Days in the month by arithmetic (no date built per row): Feb 28/29, else 30 or 31.
    leap = f"({y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0))::int"
    days = f"CASE WHEN {m} = 2 THEN 28 + {leap} ELSE 30 + ({m} + {m} / 8) % 2 END"
    return (
        f"CASE WHEN NOT coalesce({text} ~ '{DATE_FORMATS[fmt][0]}', false) THEN false"
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
