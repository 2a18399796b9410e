"""Volunteer profiles, teams and invite links; public form submissions (throttling)

Revision ID: 0012_volunteers
Revises: 0011_reminders
Create Date: 2026-12-02 18:30:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012_volunteers"
down_revision = "0011_reminders"
branch_labels = None
depends_on = None


def _text_enum(*values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def _organization(table):
    return (
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f(f"fk_{table}_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
    )


def upgrade():
    op.create_table(
        "teams",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("organizer_user_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        *_organization("teams"),
        sa.ForeignKeyConstraint(
            ["organizer_user_id"], ["users.id"], name=op.f("fk_teams_organizer_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("organization_id", "name", name=op.f("uq_teams_organization_id")),
    )
    op.create_table(
        "volunteer_profiles",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "skills",
            postgresql.ARRAY(sa.String(length=30)),
            server_default=sa.text("'{}'::varchar[]"),
            nullable=False,
        ),
        sa.Column(
            "availability",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("""'{"weekly": [], "dates": []}'::jsonb"""),
            nullable=False,
        ),
        sa.Column(
            "preferred_channel",
            _text_enum("email", "sms", "push", name="volunteer_channel"),
            server_default="email",
            nullable=False,
        ),
        sa.Column("organizer_user_id", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "status",
            _text_enum("active", "inactive", name="volunteer_status"),
            server_default="active",
            nullable=False,
        ),
        sa.Column("feed_token", sa.String(length=43), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("source", sa.String(length=20), server_default="organizer", nullable=False),
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
        *_organization("volunteer_profiles"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_volunteer_profiles_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["organizer_user_id"],
            ["users.id"],
            name=op.f("fk_volunteer_profiles_organizer_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_volunteer_profiles_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_profiles")),
        sa.UniqueConstraint(
            "organization_id", "person_id", name=op.f("uq_volunteer_profiles_organization_id")
        ),
        sa.UniqueConstraint("feed_token", name=op.f("uq_volunteer_profiles_feed_token")),
    )
    op.create_index("ix_volunteer_profiles_person_id", "volunteer_profiles", ["person_id"])
    op.create_index(
        "ix_volunteer_profiles_skills", "volunteer_profiles", ["skills"], postgresql_using="gin"
    )
    op.create_index(
        op.f("ix_volunteer_profiles_organizer_user_id"),
        "volunteer_profiles",
        ["organizer_user_id"],
    )
    op.create_index(op.f("ix_volunteer_profiles_user_id"), "volunteer_profiles", ["user_id"])
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.BigInteger(), nullable=False),
        sa.Column("profile_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "added_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        *_organization("team_members"),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_members_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["volunteer_profiles.id"],
            name=op.f("fk_team_members_profile_id_volunteer_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "profile_id", name=op.f("pk_team_members")),
    )
    op.create_index(op.f("ix_team_members_profile_id"), "team_members", ["profile_id"])
    op.create_table(
        "volunteer_invites",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("label", sa.String(length=120), server_default="", nullable=False),
        sa.Column("team_id", sa.BigInteger(), nullable=True),
        sa.Column("shift_id", sa.BigInteger(), nullable=True),
        sa.Column("walk_list_id", sa.BigInteger(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("max_uses", sa.BigInteger(), nullable=True),
        sa.Column("uses", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        *_organization("volunteer_invites"),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_volunteer_invites_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["shift_id"],
            ["shifts.id"],
            name=op.f("fk_volunteer_invites_shift_id_shifts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["walk_list_id"],
            ["walk_lists.id"],
            name=op.f("fk_volunteer_invites_walk_list_id_walk_lists"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_volunteer_invites_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_invites")),
        sa.UniqueConstraint("code", name=op.f("uq_volunteer_invites_code")),
    )
    op.create_index(
        op.f("ix_volunteer_invites_organization_id"), "volunteer_invites", ["organization_id"]
    )
    op.create_table(
        "form_submissions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("ip", postgresql.INET(), nullable=True),
        sa.Column(
            "submitted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submissions")),
    )
    op.create_index(
        "ix_form_submissions_ip_form_submitted_at",
        "form_submissions",
        ["ip", "form", "submitted_at"],
    )


def downgrade():
    op.drop_index("ix_form_submissions_ip_form_submitted_at", table_name="form_submissions")
    op.drop_table("form_submissions")
    op.drop_index(op.f("ix_volunteer_invites_organization_id"), table_name="volunteer_invites")
    op.drop_table("volunteer_invites")
    op.drop_index(op.f("ix_team_members_profile_id"), table_name="team_members")
    op.drop_table("team_members")
    op.drop_index(op.f("ix_volunteer_profiles_user_id"), table_name="volunteer_profiles")
    op.drop_index(op.f("ix_volunteer_profiles_organizer_user_id"), table_name="volunteer_profiles")
    op.drop_index("ix_volunteer_profiles_skills", table_name="volunteer_profiles")
    op.drop_index("ix_volunteer_profiles_person_id", table_name="volunteer_profiles")
    op.drop_table("volunteer_profiles")
    op.drop_table("teams")
