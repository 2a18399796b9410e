"""The database's epochs: a random id for each life of the database, a new one at each
restore, so the phones can tell that what they synced after the backup must be sent again

Revision ID: 0026_restore_epoch
Revises: 0025_fundraising
Create Date: 2026-12-06 10:00:00

The first epoch is made here. A database restored from an archive older than this revision
gets a new first epoch on upgrade, which no phone knows: each re-sends everything it holds.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0026_restore_epoch"
down_revision = "0025_fundraising"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "database_epochs",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("epoch", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("restored_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archive", sa.String(length=200), nullable=True),
        sa.Column(
            "started_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_database_epochs")),
        sa.UniqueConstraint("epoch", name=op.f("uq_database_epochs_epoch")),
    )  # fmt: skip
    op.execute("INSERT INTO database_epochs (epoch) VALUES (gen_random_uuid())")


def downgrade():
    op.drop_table("database_epochs")
