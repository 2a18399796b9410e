"""Paper, mail and links: door knocks keyed back from paper walk sheets (who keyed them, the
canvasser the sheet names)

Revision ID: 0031_mail_links
Revises: 0029_email_campaigns
Create Date: 2026-12-07 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0031_mail_links"
down_revision = "0029_email_campaigns"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("door_knocks", sa.Column("keyed_by_id", sa.BigInteger(), nullable=True))
    op.add_column(
        "door_knocks",
        sa.Column("canvasser_name", sa.String(length=120), server_default="", nullable=False),
    )
    op.create_foreign_key(
        op.f("fk_door_knocks_keyed_by_id_users"), "door_knocks", "users", ["keyed_by_id"], ["id"]
    )


def downgrade():
    op.drop_constraint(op.f("fk_door_knocks_keyed_by_id_users"), "door_knocks", type_="foreignkey")
    op.drop_column("door_knocks", "canvasser_name")
    op.drop_column("door_knocks", "keyed_by_id")
