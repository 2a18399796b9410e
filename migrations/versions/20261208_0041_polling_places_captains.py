"""Polling places per precinct (the polling_place merge field) and a captain per turf (the
turf_captain merge field)

Revision ID: 0041_polling_places_captains
Revises: 0040_rule_call_lists
Create Date: 2026-12-08 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0041_polling_places_captains"
down_revision = "0040_rule_call_lists"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "polling_places",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("precinct_code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.String(length=500), server_default="", nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_polling_places_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polling_places")),
        sa.UniqueConstraint(
            "organization_id", "precinct_code", name=op.f("uq_polling_places_organization_id")
        ),
    )
    op.add_column("turfs", sa.Column("captain_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_turfs_captain_id_users"),
        "turfs",
        "users",
        ["captain_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade():
    op.drop_constraint(op.f("fk_turfs_captain_id_users"), "turfs", type_="foreignkey")
    op.drop_column("turfs", "captain_id")
    op.drop_table("polling_places")
