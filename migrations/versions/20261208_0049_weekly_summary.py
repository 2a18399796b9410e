"""The weekly summary by email: who gets it and when, one row per week and recipient sent
(the claim that keeps a doubled worker from sending twice), and files attached to an email
of the outbox

Revision ID: 0049_weekly_summary
Revises: 0048_donor_rollups
Create Date: 2026-12-09 06:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0049_weekly_summary"
down_revision = "0048_donor_rollups"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbound_message_attachments",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["outbound_messages.id"],
            name=op.f("fk_outbound_message_attachments_message_id_outbound_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_message_attachments")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_outbound_message_attachments_message_id"),
        "outbound_message_attachments",
        ["message_id"],
    )
    op.create_table(
        "dash_weekly_summaries",
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "recipient_ids", postgresql.ARRAY(sa.BigInteger()),
            server_default=sa.text("'{}'::bigint[]"), nullable=False,
        ),
        sa.Column("weekday", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("hour", sa.SmallInteger(), server_default=sa.text("8"), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("updated_by_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"],
            name=op.f("fk_dash_weekly_summaries_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"],
            name=op.f("fk_dash_weekly_summaries_updated_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_dash_weekly_summaries")),
    )  # fmt: skip
    op.create_table(
        "dash_weekly_summary_sends",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("week_of", sa.Date(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "sent_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"],
            name=op.f("fk_dash_weekly_summary_sends_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"],
            name=op.f("fk_dash_weekly_summary_sends_user_id_users"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["outbound_messages.id"],
            name=op.f("fk_dash_weekly_summary_sends_message_id_outbound_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dash_weekly_summary_sends")),
        sa.UniqueConstraint(
            "organization_id", "week_of", "user_id",
            name=op.f("uq_dash_weekly_summary_sends_organization_id"),
        ),
    )  # fmt: skip
    op.create_index(
        op.f("ix_dash_weekly_summary_sends_user_id"), "dash_weekly_summary_sends", ["user_id"]
    )


def downgrade():
    op.drop_index(
        op.f("ix_dash_weekly_summary_sends_user_id"), table_name="dash_weekly_summary_sends"
    )
    op.drop_table("dash_weekly_summary_sends")
    op.drop_table("dash_weekly_summaries")
    op.drop_index(
        op.f("ix_outbound_message_attachments_message_id"),
        table_name="outbound_message_attachments",
    )
    op.drop_table("outbound_message_attachments")
