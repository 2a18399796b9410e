"""Check-in at events: check-ins, check-in codes, hours

Revision ID: 0010_checkin
Revises: 0009_events
Create Date: 2026-12-02 18:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_checkin"
down_revision = "0009_events"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("signups", sa.Column("checkin_code", sa.String(length=12), nullable=True))
    op.execute(
        # Eight characters of the codes' alphabet (app.core.codes: no 0/O, 1/I/L).
        "UPDATE signups SET checkin_code = translate("
        "upper(substr(md5(random()::text || id::text), 1, 8)), '01', '23')"
    )
    op.alter_column("signups", "checkin_code", nullable=False)
    op.create_unique_constraint(op.f("uq_signups_checkin_code"), "signups", ["checkin_code"])
    op.create_table(
        "check_ins",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("signup_id", sa.BigInteger(), nullable=False),
        sa.Column("shift_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "scan",
                "search",
                "walk_in",
                "self",
                name="check_in_method",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("client_uuid", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.String(length=80), server_default="", nullable=False),
        sa.Column("by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("walk_list_id", sa.BigInteger(), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["users.id"], name=op.f("fk_check_ins_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_check_ins_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_check_ins_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["shifts.id"],
            name=op.f("fk_check_ins_shift_id_shifts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signup_id"],
            ["signups.id"],
            name=op.f("fk_check_ins_signup_id_signups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["walk_list_id"], ["walk_lists.id"], name=op.f("fk_check_ins_walk_list_id_walk_lists")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_ins")),
        sa.UniqueConstraint("client_uuid", name=op.f("uq_check_ins_client_uuid")),
        sa.UniqueConstraint("signup_id", name=op.f("uq_check_ins_signup_id")),
    )
    op.create_index("ix_check_ins_person_id", "check_ins", ["person_id"])
    op.create_index("ix_check_ins_shift_id", "check_ins", ["shift_id"])
    op.create_table(
        "event_turfs",
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("turf_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_turfs_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["turf_id"], ["turfs.id"], name=op.f("fk_event_turfs_turf_id_turfs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "turf_id", name=op.f("pk_event_turfs")),
    )


def downgrade():
    op.drop_table("event_turfs")
    op.drop_table("check_ins")
    op.drop_constraint(op.f("uq_signups_checkin_code"), "signups", type_="unique")
    op.drop_column("signups", "checkin_code")
