"""The canvass tests' town (two precincts, a cut, a walk list held by a canvasser) and what
every dashboard test compares: the rollups as the triggers left them against a recount."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from tests.canvass.conftest import canvasser, knock, person_at, phone, sync, walk_list  # noqa: F401
from tests.turfs.conftest import cut, director, headers, org, town, town_world  # noqa: F401

ROLLUPS = {
    "field": "dash_field_rollups",
    "support": "dash_support_rollups",
    "money": "dash_money_rollups",
    "field_areas": "dash_field_area_days",
    "money_areas": "dash_money_area_days",
}


def rollup_rows(table: str, organization_id: int) -> set[tuple]:
    """The table's rows of the campaign that count something (a zero row counts nothing)."""
    rows = db.session.execute(
        sa.text(f"SELECT * FROM {table} WHERE organization_id = :org"),
        {"org": organization_id},
    ).all()
    return {tuple(r) for r in rows if any(v != 0 for v in r[-2:] if isinstance(v, int))}


def assert_rollups_exact(organization_id: int) -> None:
    """What the triggers kept equals a recount of every day from the raw tables."""
    for rollup, table in ROLLUPS.items():
        kept = rollup_rows(table, organization_id)
        db.session.execute(
            sa.text(f"SELECT dash_rebuild_{rollup}(:org, NULL, NULL)"), {"org": organization_id}
        )
        assert kept == rollup_rows(table, organization_id), rollup
