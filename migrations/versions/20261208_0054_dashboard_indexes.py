"""Dashboards: the per-area rollups found by day or week, and the field rollup by canvasser

Revision ID: 0054_dashboard_indexes
Revises: 0053_area_weeks
Create Date: 2026-12-08 17:00:00

The per-area tables' keys start with the area, so a run of days over every precinct was read
by scanning the whole table (a statewide campaign's million daily rows for the two end days
of a month); a canvasser's or a team's figures scanned the field rollup's millions of rows.
"""

from alembic import op

revision = "0054_dashboard_indexes"
down_revision = "0053_area_weeks"
branch_labels = None
depends_on = None

FIELD, MONEY, SUPPORT = (
    ["area_id", "knocks", "contacts"],
    ["area_id", "kind", "entries", "amount_cents"],
    ["area_id", "answers", "supporters"],
)
# table -> (key columns, columns carried in the index: read without the table's pages)
INDEXES = {
    "dash_field_area_days": (("organization_id", "day"), FIELD),
    "dash_money_area_days": (("organization_id", "day"), MONEY),
    "dash_support_area_days": (("organization_id", "day"), SUPPORT),
    "dash_field_area_weeks": (("organization_id", "week"), FIELD),
    "dash_money_area_weeks": (("organization_id", "week"), MONEY),
    "dash_support_area_weeks": (("organization_id", "week"), SUPPORT),
    # A canvasser's or a team's rows, of one area (0: every area) or of every precinct.
    "dash_field_rollups": (("organization_id", "user_id", "area_id", "day"), []),
}


def _name(table: str, columns: tuple[str, ...]) -> str:
    return op.f(f"ix_{table}_{'_'.join(columns)}")


def upgrade():
    for table, (columns, carried) in INDEXES.items():
        op.create_index(_name(table, columns), table, list(columns), postgresql_include=carried)


def downgrade():
    for table, (columns, _) in INDEXES.items():
        op.drop_index(_name(table, columns), table_name=table)
