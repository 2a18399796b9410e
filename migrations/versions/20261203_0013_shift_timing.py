"""Shift times can change: reminders follow the new times; organisers mark attendance from
the roster (check-in method "roster")

Revision ID: 0013_shift_timing
Revises: 0012_volunteers
Create Date: 2026-12-03 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_shift_timing"
down_revision = "0012_volunteers"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "shifts", sa.Column("timing", sa.BigInteger(), server_default=sa.text("0"), nullable=False)
    )
    op.add_column("shifts", sa.Column("retimed_at", sa.DateTime(timezone=True), nullable=True))
    _methods("'scan', 'search', 'walk_in', 'self', 'roster'")


def _methods(values):
    op.drop_constraint(op.f("ck_check_ins_check_in_method"), "check_ins", type_="check")
    op.create_check_constraint(
        op.f("ck_check_ins_check_in_method"), "check_ins", f"method IN ({values})"
    )


def downgrade():
    op.execute("UPDATE check_ins SET method = 'search' WHERE method = 'roster'")
    _methods("'scan', 'search', 'walk_in', 'self'")
    op.drop_column("shifts", "retimed_at")
    op.drop_column("shifts", "timing")
