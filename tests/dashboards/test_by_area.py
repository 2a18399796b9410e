"""A field panel's "by area" table over more areas than it lists: the areas with the most
doors, then one "other" row holding the rest, as ``fold_areas`` folds the full list."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.dashboards.field import AREA_ROWS, by_area, fold_areas, rate
from app.dashboards.scope import Scope
from app.extensions import db


def test_the_areas_with_most_doors_then_the_rest_in_one_row(org):
    day = date(2026, 3, 4)
    ids = db.session.scalars(
        sa.text(
            "INSERT INTO areas (organization_id, kind, code, name) "
            "SELECT :org, 'block', lpad(g::text, 3, '0'), 'Block ' || g "
            "FROM generate_series(1, :n) g RETURNING id"
        ),
        {"org": org.id, "n": AREA_ROWS + 7},
    ).all()
    # Doors 1..n+7 with ties (n % 5), contacts a third of them.
    db.session.execute(
        sa.text(
            "INSERT INTO dash_field_area_days (organization_id, area_id, day, knocks, contacts) "
            "SELECT :org, id, :day, 1 + (id % 5), (1 + (id % 5)) / 3 FROM areas "
            "WHERE id = ANY(:ids)"
        ),
        {"org": org.id, "day": day, "ids": ids},
    )
    rows = db.session.execute(
        sa.text("SELECT a.id, a.code, a.name, r.knocks, r.contacts FROM dash_field_area_days r "
                "JOIN areas a ON a.id = r.area_id WHERE a.id = ANY(:ids)"), {"ids": ids}
    ).all()  # fmt: skip
    full = sorted(
        ({"area_id": i, "code": code, "name": name, "doors": k, "contacts": c,
          "contact_rate": rate(c, k)} for i, code, name, k, c in rows),
        key=lambda row: (-row["doors"], row["code"]),
    )  # fmt: skip
    with_rate = lambda row: {"contact_rate": rate(row["contacts"], row["doors"])}  # noqa: E731
    expected = fold_areas(full, ("doors", "contacts"), with_rate)
    shown = by_area(Scope(org.id, day, day), "block")
    assert shown == expected
    assert len(shown) == AREA_ROWS + 1 and shown[-1]["name"] == "7 more areas"
