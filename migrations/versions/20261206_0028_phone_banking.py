"""Phone banking: call lists (their people, callers, the people each active list holds) and
the calls recorded from them; where a result code is offered (door, phone) and the phone's
own codes; a person's do-not-call and a number's wrong or disconnected status; the call list
handed at a phone bank's check-in

Revision ID: 0028_phone_banking
Revises: 0027_texting_rules
Create Date: 2026-12-06 12:00:00

Every campaign that has result codes gets the phone's (No Answer, Left Message, Busy, Wrong
Number, Disconnected, Do Not Call); Not Home, Inaccessible and Wrong Address stay door-only.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0028_phone_banking"
down_revision = "0027_texting_rules"
branch_labels = None
depends_on = None

EFFECTS = ("none", "moved", "deceased", "do_not_contact", "wrong_address")
PHONE_EFFECTS = ("wrong_number", "disconnected", "do_not_call")
DOOR_ONLY = ("not_home", "inaccessible", "wrong_address")
# (code, label, Spanish label, is a contact, effect): app.knocks.results' phone-only codes.
PHONE_CODES = (
    ("no_answer", "No Answer", "No contesta", False, "none"),
    ("left_message", "Left Message", "Dejó mensaje", False, "none"),
    ("busy", "Busy", "Ocupado", False, "none"),
    ("wrong_number", "Wrong Number", "Número equivocado", False, "wrong_number"),
    ("disconnected", "Disconnected", "Desconectado", False, "disconnected"),
    ("do_not_call", "Do Not Call", "No llamar", True, "do_not_call"),
)


def _effects_allowed(effects):
    op.drop_constraint(op.f("ck_result_codes_result_effect"), "result_codes", type_="check")
    listed = ", ".join(f"'{e}'" for e in effects)
    op.create_check_constraint(
        op.f("ck_result_codes_result_effect"), "result_codes", f"effect IN ({listed})"
    )


def upgrade():
    op.create_table(
        "call_lists",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "closed",
                "expired",
                name="call_list_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            server_default="active",
            nullable=False,
        ),
        sa.Column("universe_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "filter",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("per_household", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("script_id", sa.BigInteger(), nullable=True),
        sa.Column("event_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "zones",
            postgresql.ARRAY(sa.String(length=40)),
            server_default=sa.text("'{}'::varchar[]"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column("people_count", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
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
            ["created_by_id"], ["users.id"], name=op.f("fk_call_lists_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_call_lists_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_call_lists_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["script_id"],
            ["scripts.id"],
            name=op.f("fk_call_lists_script_id_scripts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["universe_id"],
            ["universes.id"],
            name=op.f("fk_call_lists_universe_id_universes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_lists")),
        sa.UniqueConstraint("code", name=op.f("uq_call_lists_code")),
    )
    op.create_index(op.f("ix_call_lists_event_id"), "call_lists", ["event_id"], unique=False)
    op.create_index(
        op.f("ix_call_lists_organization_id"), "call_lists", ["organization_id"], unique=False
    )
    op.create_table(
        "call_checkouts",
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("call_list_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "checked_out_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_list_id"],
            ["call_lists.id"],
            name=op.f("fk_call_checkouts_call_list_id_call_lists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_call_checkouts_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_call_checkouts_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_call_checkouts")),
    )
    op.create_index(
        op.f("ix_call_checkouts_call_list_id"), "call_checkouts", ["call_list_id"], unique=False
    )
    op.create_table(
        "call_list_assignments",
        sa.Column("call_list_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "assigned_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("assigned_by_id", sa.BigInteger(), nullable=True),
        sa.Column("claimed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
            name=op.f("fk_call_list_assignments_assigned_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["call_list_id"],
            ["call_lists.id"],
            name=op.f("fk_call_list_assignments_call_list_id_call_lists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_call_list_assignments_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_call_list_assignments_user_id_users")
        ),
        sa.PrimaryKeyConstraint("call_list_id", "user_id", name=op.f("pk_call_list_assignments")),
    )
    op.create_index(
        op.f("ix_call_list_assignments_user_id"), "call_list_assignments", ["user_id"], unique=False
    )
    op.create_table(
        "call_list_people",
        sa.Column("call_list_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("household_id", sa.BigInteger(), nullable=True),
        sa.Column("phone_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "zones",
            postgresql.ARRAY(sa.String(length=40)),
            server_default=sa.text("'{}'::varchar[]"),
            nullable=False,
        ),
        sa.Column("claimed_by_id", sa.BigInteger(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("held_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.String(length=40), nullable=True),
        sa.Column("attempts", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_list_id"],
            ["call_lists.id"],
            name=op.f("fk_call_list_people_call_list_id_call_lists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by_id"], ["users.id"], name=op.f("fk_call_list_people_claimed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_call_list_people_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_call_list_people_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_call_list_people_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["phone_id"],
            ["person_phones.id"],
            name=op.f("fk_call_list_people_phone_id_person_phones"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("call_list_id", "person_id", name=op.f("pk_call_list_people")),
        sa.UniqueConstraint(
            "call_list_id", "position", name=op.f("uq_call_list_people_call_list_id")
        ),
    )
    op.create_index(
        "ix_call_list_people_person_id", "call_list_people", ["person_id"], unique=False
    )
    op.create_table(
        "calls",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("client_uuid", sa.UUID(), nullable=False),
        sa.Column("sync_batch_id", sa.BigInteger(), nullable=True),
        sa.Column("call_list_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("phone_id", sa.BigInteger(), nullable=True),
        sa.Column("number", sa.String(length=20), server_default="", nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("result", sa.String(length=40), nullable=False),
        sa.Column("is_contact", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("server_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("clock_skewed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("device_id", sa.String(length=80), server_default="", nullable=False),
        sa.Column("duration_s", sa.BigInteger(), nullable=True),
        sa.Column("dialer", sa.String(length=40), server_default="", nullable=False),
        sa.Column("dialer_call_id", sa.String(length=120), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "applied",
                "held",
                "rolled_back",
                name="knock_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            server_default="applied",
            nullable=False,
        ),
        sa.Column(
            "record",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_list_id"], ["call_lists.id"], name=op.f("fk_calls_call_list_id_call_lists")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_calls_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_calls_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["phone_id"],
            ["person_phones.id"],
            name=op.f("fk_calls_phone_id_person_phones"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sync_batch_id"], ["sync_batches.id"], name=op.f("fk_calls_sync_batch_id_sync_batches")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_calls_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("client_uuid", name=op.f("uq_calls_client_uuid")),
    )
    op.create_index(
        "ix_calls_call_list_id_user_id", "calls", ["call_list_id", "user_id"], unique=False
    )
    op.create_index(
        "ix_calls_dialer_call_id",
        "calls",
        ["organization_id", "dialer", "dialer_call_id"],
        unique=True,
        postgresql_where=sa.text("dialer_call_id IS NOT NULL"),
    )
    op.create_index("ix_calls_person_id", "calls", ["person_id"], unique=False)
    op.create_index(op.f("ix_calls_sync_batch_id"), "calls", ["sync_batch_id"], unique=False)
    op.add_column("check_ins", sa.Column("call_list_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_check_ins_call_list_id_call_lists"),
        "check_ins",
        "call_lists",
        ["call_list_id"],
        ["id"],
    )
    op.add_column(
        "people",
        sa.Column("do_not_call", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column("person_phones", sa.Column("call_status", sa.String(length=20), nullable=True))
    op.add_column(
        "person_phones", sa.Column("call_status_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "result_codes",
        sa.Column(
            "channels",
            postgresql.ARRAY(sa.String(length=10)),
            server_default=sa.text("'{door,phone}'::varchar[]"),
            nullable=False,
        ),
    )
    _effects_allowed(EFFECTS + PHONE_EFFECTS)
    op.get_bind().execute(
        sa.text("UPDATE result_codes SET channels = '{door}' WHERE code = ANY(:codes)"),
        {"codes": list(DOOR_ONLY)},
    )
    codes = sa.table(
        "result_codes",
        sa.column("organization_id", sa.BigInteger), sa.column("code", sa.String),
        sa.column("label", sa.String), sa.column("label_es", sa.String),
        sa.column("is_contact", sa.Boolean), sa.column("effect", sa.String),
        sa.column("position", sa.BigInteger), sa.column("channels", postgresql.ARRAY(sa.String)),
    )  # fmt: skip
    campaigns = (
        op.get_bind()
        .execute(sa.text("SELECT organization_id, max(position) FROM result_codes GROUP BY 1"))
        .all()
    )
    rows = [
        {"organization_id": org, "code": code, "label": label, "label_es": label_es,
         "is_contact": contact, "effect": effect, "position": last + n, "channels": ["phone"]}
        for org, last in campaigns
        for n, (code, label, label_es, contact, effect) in enumerate(PHONE_CODES, 1)
    ]  # fmt: skip
    if rows:
        # A campaign that made a code of the same name keeps its own.
        op.execute(
            postgresql.insert(codes)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["organization_id", "code"])
        )


def downgrade():
    op.get_bind().execute(
        sa.text("DELETE FROM result_codes WHERE effect = ANY(:effects) OR channels = '{phone}'"),
        {"effects": list(PHONE_EFFECTS)},
    )
    op.drop_column("result_codes", "channels")
    _effects_allowed(EFFECTS)
    op.drop_column("person_phones", "call_status_at")
    op.drop_column("person_phones", "call_status")
    op.drop_column("people", "do_not_call")
    op.drop_constraint(
        op.f("fk_check_ins_call_list_id_call_lists"), "check_ins", type_="foreignkey"
    )
    op.drop_column("check_ins", "call_list_id")
    op.drop_index(op.f("ix_calls_sync_batch_id"), table_name="calls")
    op.drop_index("ix_calls_person_id", table_name="calls")
    op.drop_index(
        "ix_calls_dialer_call_id",
        table_name="calls",
        postgresql_where=sa.text("dialer_call_id IS NOT NULL"),
    )
    op.drop_index("ix_calls_call_list_id_user_id", table_name="calls")
    op.drop_table("calls")
    op.drop_index("ix_call_list_people_person_id", table_name="call_list_people")
    op.drop_table("call_list_people")
    op.drop_index(op.f("ix_call_list_assignments_user_id"), table_name="call_list_assignments")
    op.drop_table("call_list_assignments")
    op.drop_index(op.f("ix_call_checkouts_call_list_id"), table_name="call_checkouts")
    op.drop_table("call_checkouts")
    op.drop_index(op.f("ix_call_lists_organization_id"), table_name="call_lists")
    op.drop_index(op.f("ix_call_lists_event_id"), table_name="call_lists")
    op.drop_table("call_lists")
