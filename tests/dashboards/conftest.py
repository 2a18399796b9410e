"""The canvass tests' town (two precincts, a cut, a walk list held by a canvasser) and what
every dashboard test compares: the rollups as the triggers left them against a recount."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from tests.canvass.conftest import canvasser, knock, person_at, phone, sync, walk_list  # noqa: F401
from tests.turfs.conftest import cut, director, headers, org, town, town_world  # noqa: F401

#: rollup -> its tables, each with how many of its last columns are sums (0: none, every row
#: counts)
ROLLUPS = {
    "field": {"dash_field_rollups": 2},
    "support": {"dash_support_rollups": 1},
    "support_areas": {"dash_support_area_days": 2},
    "money": {"dash_money_rollups": 2},
    "field_areas": {"dash_field_area_days": 2},
    "money_areas": {"dash_money_area_days": 2},
    "gift_amounts": {"dash_gift_amounts": 1},
    "field_area_weeks": {"dash_field_area_weeks": 2},
    "money_area_weeks": {"dash_money_area_weeks": 2},
    "support_area_weeks": {"dash_support_area_weeks": 2},
    "donors": {"dash_donor_counts": 1, "dash_gift_amount_areas": 1, "dash_donor_days": 0},
}


def rollup_rows(table: str, sums: int, organization_id: int) -> set[tuple]:
    """The table's rows of the campaign that count something (a zero row counts nothing)."""
    rows = db.session.execute(
        sa.text(f"SELECT * FROM {table} WHERE organization_id = :org"),
        {"org": organization_id},
    ).all()
    frozen = lambda value: tuple(value) if isinstance(value, list) else value  # noqa: E731
    return {tuple(map(frozen, r)) for r in rows if not sums or any(r[-sums:])}


def assert_rollups_exact(organization_id: int) -> None:
    """What the triggers kept equals a recount of every day from the raw tables."""
    for rollup, tables in ROLLUPS.items():
        kept = {table: rollup_rows(table, sums, organization_id) for table, sums in tables.items()}
        db.session.execute(
            sa.text(f"SELECT dash_rebuild_{rollup}(:org, NULL, NULL)"), {"org": organization_id}
        )
        for table, sums in tables.items():
            assert kept[table] == rollup_rows(table, sums, organization_id), table
