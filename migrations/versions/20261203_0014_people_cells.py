"""People's grid cells: people.cell (generated from location) and a btree on (organization_id,
cell, birth_year), so that a drawn polygon's universe reads the cells it touches rather than its
bounding box

Revision ID: 0014_people_cells
Revises: 0013_shift_timing
Create Date: 2026-12-03 08:20:00

Adding a stored generated column rewrites people (about 8 s per million rows, under an
exclusive lock).
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_people_cells"
down_revision = "0013_shift_timing"
branch_labels = None
depends_on = None

# app.people.grid.CELL_SQL as of this revision (a migration does not follow later code).
CELL_SQL = (
    "(floor((ST_Y(location) + 90) * 1000)::bigint << 20)"
    " + floor((ST_X(location) + 180) * 1000)::bigint"
)


def upgrade():
    op.add_column(
        "people",
        sa.Column("cell", sa.BigInteger(), sa.Computed(CELL_SQL, persisted=True), nullable=True),
    )
    op.create_index(
        op.f("ix_people_organization_id_cell"), "people", ["organization_id", "cell", "birth_year"]
    )


def downgrade():
    op.drop_index(op.f("ix_people_organization_id_cell"), table_name="people")
    op.drop_column("people", "cell")
