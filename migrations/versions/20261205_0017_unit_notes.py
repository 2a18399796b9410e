"""Place notes about one home in a building: place_notes.household_id (empty: the whole
building, as every note was before)

Revision ID: 0017_unit_notes
Revises: 0016_refresh_token_answers
Create Date: 2026-12-05 20:30:00

A nullable column with no default: no table rewrite.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_unit_notes"
down_revision = "0016_refresh_token_answers"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("place_notes", sa.Column("household_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_place_notes_household_id_households"),
        "place_notes",
        "households",
        ["household_id"],
        ["id"],
    )
    op.create_index(
        op.f("ix_place_notes_household_id"), "place_notes", ["household_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_place_notes_household_id"), table_name="place_notes")
    op.drop_constraint(
        op.f("fk_place_notes_household_id_households"), "place_notes", type_="foreignkey"
    )
    op.drop_column("place_notes", "household_id")
