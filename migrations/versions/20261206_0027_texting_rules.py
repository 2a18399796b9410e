"""Texting (campaigns over a universe, their conversations, messages and canned answers) and
automatic follow-ups (rules, each person's entry into a rule once per trigger event, the tasks
and call lists rules make for organisers)

Revision ID: 0027_texting_rules
Revises: 0026_restore_epoch
Create Date: 2026-12-06 00:30:00

New tables only: the downgrade drops them, and with them every texting thread and follow-up
(the people's histories keep the texts and actions as interactions).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0027_texting_rules"
down_revision = "0026_restore_epoch"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follow_up_rules",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("trigger", sa.String(length=40), nullable=False),
        sa.Column(
            "trigger_params",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "conditions",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("delay_minutes", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column(
            "action_params",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
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
            ["created_by_id"], ["users.id"], name=op.f("fk_follow_up_rules_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_follow_up_rules_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_rules")),
        sa.UniqueConstraint(
            "organization_id", "name", name=op.f("uq_follow_up_rules_organization_id")
        ),
    )
    op.create_table(
        "text_campaigns",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "peer",
                "broadcast",
                name="text_campaign_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "active",
                "closed",
                name="text_campaign_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("universe_id", sa.BigInteger(), nullable=True),
        sa.Column("script_id", sa.BigInteger(), nullable=True),
        sa.Column("first_message", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
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
            ["created_by_id"], ["users.id"], name=op.f("fk_text_campaigns_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_text_campaigns_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["script_id"],
            ["scripts.id"],
            name=op.f("fk_text_campaigns_script_id_scripts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["universe_id"],
            ["universes.id"],
            name=op.f("fk_text_campaigns_universe_id_universes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_campaigns")),
        sa.UniqueConstraint(
            "organization_id", "name", name=op.f("uq_text_campaigns_organization_id")
        ),
    )
    op.create_index(
        op.f("ix_text_campaigns_universe_id"), "text_campaigns", ["universe_id"], unique=False
    )
    op.create_table(
        "call_list_entries",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("list_name", sa.String(length=80), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("rule_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "added_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_call_list_entries_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_call_list_entries_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["follow_up_rules.id"],
            name=op.f("fk_call_list_entries_rule_id_follow_up_rules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_list_entries")),
        sa.UniqueConstraint(
            "organization_id",
            "list_name",
            "person_id",
            name=op.f("uq_call_list_entries_organization_id"),
        ),
    )
    op.create_index(
        op.f("ix_call_list_entries_person_id"), "call_list_entries", ["person_id"], unique=False
    )
    op.create_table(
        "follow_up_tasks",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("assignee_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("rule_id", sa.BigInteger(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.BigInteger(), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["users.id"], name=op.f("fk_follow_up_tasks_assignee_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"], ["users.id"], name=op.f("fk_follow_up_tasks_done_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_follow_up_tasks_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_follow_up_tasks_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["follow_up_rules.id"],
            name=op.f("fk_follow_up_tasks_rule_id_follow_up_rules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_tasks")),
    )
    op.create_index(
        "ix_follow_up_tasks_assignee_id_done_at",
        "follow_up_tasks",
        ["assignee_id", "done_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_follow_up_tasks_organization_id"),
        "follow_up_tasks",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_follow_up_tasks_person_id"), "follow_up_tasks", ["person_id"], unique=False
    )
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("rule_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("event_key", sa.String(length=80), nullable=False),
        sa.Column(
            "facts",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "waiting",
                "done",
                "skipped",
                name="follow_up_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            server_default="waiting",
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "result",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_follow_ups_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_follow_ups_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["follow_up_rules.id"],
            name=op.f("fk_follow_ups_rule_id_follow_up_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
        sa.UniqueConstraint(
            "rule_id", "person_id", "event_key", name=op.f("uq_follow_ups_rule_id")
        ),
    )
    op.create_index(
        "ix_follow_ups_due",
        "follow_ups",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text("status = 'waiting'"),
    )
    op.create_index("ix_follow_ups_person_id", "follow_ups", ["person_id"], unique=False)
    op.create_table(
        "text_canned_responses",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("campaign_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("position", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["text_campaigns.id"],
            name=op.f("fk_text_canned_responses_campaign_id_text_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_text_canned_responses_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_canned_responses")),
    )
    op.create_index(
        op.f("ix_text_canned_responses_campaign_id"),
        "text_canned_responses",
        ["campaign_id"],
        unique=False,
    )
    op.create_table(
        "text_conversations",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("campaign_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "needs_message",
                "messaged",
                "needs_response",
                "convo",
                "closed",
                "opted_out",
                name="conversation_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            server_default="needs_message",
            nullable=False,
        ),
        sa.Column("texter_id", sa.BigInteger(), nullable=True),
        sa.Column("first_texter_id", sa.BigInteger(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.String(length=40), nullable=True),
        sa.Column("closed_reason", sa.String(length=40), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["text_campaigns.id"],
            name=op.f("fk_text_conversations_campaign_id_text_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["first_texter_id"],
            ["users.id"],
            name=op.f("fk_text_conversations_first_texter_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_text_conversations_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_text_conversations_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["texter_id"], ["users.id"], name=op.f("fk_text_conversations_texter_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_conversations")),
        sa.UniqueConstraint("campaign_id", "number", name="uq_text_conversations_number"),
        sa.UniqueConstraint("campaign_id", "person_id", name="uq_text_conversations_person"),
    )
    op.create_index(
        "ix_text_conversations_campaign_id_status",
        "text_conversations",
        ["campaign_id", "status", "texter_id"],
        unique=False,
    )
    op.create_index(
        "ix_text_conversations_number",
        "text_conversations",
        ["number", "last_message_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_text_conversations_person_id"), "text_conversations", ["person_id"], unique=False
    )
    op.create_index(
        "ix_text_conversations_texter_id_status",
        "text_conversations",
        ["texter_id", "status"],
        unique=False,
    )
    op.create_table(
        "text_messages",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("conversation_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum(
                "out",
                "in",
                name="text_direction",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("segments", sa.SmallInteger(), server_default=sa.text("1"), nullable=False),
        sa.Column("encoding", sa.String(length=5), server_default="gsm7", nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("outbound_message_id", sa.BigInteger(), nullable=True),
        sa.Column("provider_sid", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["text_conversations.id"],
            name=op.f("fk_text_messages_conversation_id_text_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_text_messages_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["outbound_message_id"],
            ["outbound_messages.id"],
            name=op.f("fk_text_messages_outbound_message_id_outbound_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_text_messages_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_messages")),
        sa.UniqueConstraint("provider_sid", name=op.f("uq_text_messages_provider_sid")),
    )
    op.create_index(
        op.f("ix_text_messages_conversation_id"), "text_messages", ["conversation_id"], unique=False
    )
    op.create_index(
        op.f("ix_text_messages_organization_id"), "text_messages", ["organization_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_text_messages_organization_id"), table_name="text_messages")
    op.drop_index(op.f("ix_text_messages_conversation_id"), table_name="text_messages")
    op.drop_table("text_messages")
    op.drop_index("ix_text_conversations_texter_id_status", table_name="text_conversations")
    op.drop_index(op.f("ix_text_conversations_person_id"), table_name="text_conversations")
    op.drop_index("ix_text_conversations_number", table_name="text_conversations")
    op.drop_index("ix_text_conversations_campaign_id_status", table_name="text_conversations")
    op.drop_table("text_conversations")
    op.drop_index(op.f("ix_text_canned_responses_campaign_id"), table_name="text_canned_responses")
    op.drop_table("text_canned_responses")
    op.drop_index("ix_follow_ups_person_id", table_name="follow_ups")
    op.drop_index(
        "ix_follow_ups_due", table_name="follow_ups", postgresql_where=sa.text("status = 'waiting'")
    )
    op.drop_table("follow_ups")
    op.drop_index(op.f("ix_follow_up_tasks_person_id"), table_name="follow_up_tasks")
    op.drop_index(op.f("ix_follow_up_tasks_organization_id"), table_name="follow_up_tasks")
    op.drop_index("ix_follow_up_tasks_assignee_id_done_at", table_name="follow_up_tasks")
    op.drop_table("follow_up_tasks")
    op.drop_index(op.f("ix_call_list_entries_person_id"), table_name="call_list_entries")
    op.drop_table("call_list_entries")
    op.drop_index(op.f("ix_text_campaigns_universe_id"), table_name="text_campaigns")
    op.drop_table("text_campaigns")
    op.drop_table("follow_up_rules")
