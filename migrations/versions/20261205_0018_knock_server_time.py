"""Time on the phone is a claim: each sync batch keeps the phone's clock when it was sent, the
offset from ours and the signs a director should look at; each knock keeps its time on our
clock

Revision ID: 0018_knock_server_time
Revises: 0017_unit_notes
Create Date: 2026-12-05 20:30:00

Nullable columns and a constant default: no table rewrite. Old knocks keep server_at NULL.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0018_knock_server_time"
down_revision = "0017_unit_notes"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("sync_batches", sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("sync_batches", sa.Column("clock_offset_s", sa.Double(), nullable=True))
    op.add_column(
        "sync_batches",
        sa.Column(
            "flags",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
    )
    op.add_column("door_knocks", sa.Column("server_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    op.drop_column("door_knocks", "server_at")
    op.drop_column("sync_batches", "flags")
    op.drop_column("sync_batches", "clock_offset_s")
    op.drop_column("sync_batches", "sent_at")
