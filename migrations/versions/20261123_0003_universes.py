"""Universes: saved voter searches

Revision ID: 0003_universes
Revises: 0002_voter_file
Create Date: 2026-11-23 04:29:39.846137
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_universes"
down_revision = "0002_voter_file"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "universes",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "filter",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "household_mode",
            sa.Enum(
                "person",
                "one_per_household",
                "whole_household",
                name="household_mode",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            server_default="person",
            nullable=False,
        ),
        sa.Column("is_shared", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_universes_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_universes_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_universes")),
        sa.UniqueConstraint("organization_id", "name", name=op.f("uq_universes_organization_id")),
    )
    op.create_index(
        op.f("ix_universes_created_by_id"), "universes", ["created_by_id"], unique=False
    )
    op.create_index(
        op.f("ix_universes_organization_id"), "universes", ["organization_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_universes_organization_id"), table_name="universes")
    op.drop_index(op.f("ix_universes_created_by_id"), table_name="universes")
    op.drop_table("universes")
