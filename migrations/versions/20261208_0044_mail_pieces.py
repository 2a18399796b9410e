"""Direct mail and tracked links: mail drops and their pieces (with their codes), mailing
addresses, link destinations an admin sets up, tracked links, their clicks per day, the
sign-ups that followed them; ``mail`` among the interaction kinds

Revision ID: 0044_mail_pieces
Revises: 0043_api_keys
Create Date: 2026-12-07 12:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0044_mail_pieces"
down_revision = "0043_api_keys"
branch_labels = None
depends_on = None

#: Every kind before this revision (phones, texting and email use call, text and email).
KINDS = ("import", "note", "merge", "door_knock", "call", "text", "email", "event_signup",
         "event_attendance", "donation")  # fmt: skip


def _kinds(kinds):
    op.drop_constraint(op.f("ck_interactions_interaction_kind"), "interactions", type_="check")
    quoted = ", ".join(f"'{kind}'" for kind in kinds)
    op.create_check_constraint(
        op.f("ck_interactions_interaction_kind"), "interactions", f"kind IN ({quoted})"
    )


def upgrade():
    _kinds((*KINDS, "mail"))
    op.create_table(
        "link_destinations",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("refcode_param", sa.String(length=40), server_default="refcode", nullable=False),
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
            ["created_by_id"], ["users.id"], name=op.f("fk_link_destinations_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_link_destinations_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_destinations")),
    )
    op.create_index(
        op.f("ix_link_destinations_organization_id"),
        "link_destinations",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "mail_drops",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "mailed",
                name="mail_drop_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("universe_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "filter",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("per_household", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("with_codes", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=True),
        sa.Column("destination_id", sa.BigInteger(), nullable=True),
        sa.Column("vendor", sa.String(length=120), server_default="", nullable=False),
        sa.Column("mailed_on", sa.Date(), nullable=True),
        sa.Column("cost_cents", sa.BigInteger(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("recipients", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
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
            ["created_by_id"], ["users.id"], name=op.f("fk_mail_drops_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["destination_id"],
            ["link_destinations.id"],
            name=op.f("fk_mail_drops_destination_id_link_destinations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_mail_drops_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["universe_id"],
            ["universes.id"],
            name=op.f("fk_mail_drops_universe_id_universes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_drops")),
    )
    op.create_index(
        op.f("ix_mail_drops_organization_id"), "mail_drops", ["organization_id"], unique=False
    )
    op.create_table(
        "tracked_links",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("source_code", sa.String(length=60), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=True),
        sa.Column("destination_id", sa.BigInteger(), nullable=True),
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
            ["created_by_id"], ["users.id"], name=op.f("fk_tracked_links_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["destination_id"],
            ["link_destinations.id"],
            name=op.f("fk_tracked_links_destination_id_link_destinations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_tracked_links_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracked_links")),
        sa.UniqueConstraint("code", name=op.f("uq_tracked_links_code")),
        sa.UniqueConstraint(
            "organization_id", "source_code", name=op.f("uq_tracked_links_organization_id")
        ),
    )
    op.create_index(
        op.f("ix_tracked_links_destination_id"), "tracked_links", ["destination_id"], unique=False
    )
    op.create_table(
        "link_click_days",
        sa.Column("link_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["tracked_links.id"],
            name=op.f("fk_link_click_days_link_id_tracked_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("link_id", "day", name=op.f("pk_link_click_days")),
    )
    op.create_table(
        "link_responses",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "signup",
                name="link_response_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("link_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "occurred_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["tracked_links.id"],
            name=op.f("fk_link_responses_link_id_tracked_links"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_link_responses_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_link_responses_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_responses")),
    )
    op.create_index("ix_link_responses_link_id", "link_responses", ["link_id"], unique=False)
    op.create_index(
        op.f("ix_link_responses_organization_id"),
        "link_responses",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_link_responses_person_id"), "link_responses", ["person_id"], unique=False
    )
    op.create_table(
        "mail_pieces",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("drop_id", sa.BigInteger(), nullable=False),
        sa.Column("household_id", sa.BigInteger(), nullable=True),
        sa.Column("person_ids", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=True),
        sa.Column("visits", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("first_visited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["drop_id"],
            ["mail_drops.id"],
            name=op.f("fk_mail_pieces_drop_id_mail_drops"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_mail_pieces_household_id_households")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_mail_pieces_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_pieces")),
        sa.UniqueConstraint("code", name=op.f("uq_mail_pieces_code")),
    )
    op.create_index("ix_mail_pieces_drop_id", "mail_pieces", ["drop_id"], unique=False)
    op.create_table(
        "mailing_addresses",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("line1", sa.String(length=120), nullable=False),
        sa.Column("line2", sa.String(length=120), server_default="", nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("zip", sa.String(length=10), nullable=False),
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
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_mailing_addresses_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_mailing_addresses_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailing_addresses")),
        sa.UniqueConstraint("person_id", name=op.f("uq_mailing_addresses_person_id")),
    )
    op.create_index(
        op.f("ix_mailing_addresses_organization_id"),
        "mailing_addresses",
        ["organization_id"],
        unique=False,
    )


def downgrade():
    op.drop_index(op.f("ix_mailing_addresses_organization_id"), table_name="mailing_addresses")
    op.drop_table("mailing_addresses")
    op.drop_index("ix_mail_pieces_drop_id", table_name="mail_pieces")
    op.drop_table("mail_pieces")
    op.drop_index(op.f("ix_link_responses_person_id"), table_name="link_responses")
    op.drop_index(op.f("ix_link_responses_organization_id"), table_name="link_responses")
    op.drop_index("ix_link_responses_link_id", table_name="link_responses")
    op.drop_table("link_responses")
    op.drop_table("link_click_days")
    op.drop_index(op.f("ix_tracked_links_destination_id"), table_name="tracked_links")
    op.drop_table("tracked_links")
    op.drop_index(op.f("ix_mail_drops_organization_id"), table_name="mail_drops")
    op.drop_table("mail_drops")
    op.drop_index(op.f("ix_link_destinations_organization_id"), table_name="link_destinations")
    op.drop_table("link_destinations")
    op.execute("DELETE FROM interactions WHERE kind = 'mail'")
    _kinds(KINDS)
