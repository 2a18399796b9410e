"""Contact details from anonymous forms held until their person confirms them
(contact_confirmations); events that seat confirmed people first (events.confirm_before_seat,
sign-up status ``pending``); people who attended a shift made volunteers

Revision ID: 0019_contact_confirmations
Revises: 0018_knock_server_time
Create Date: 2026-12-05 20:30:00

Attending a shift now makes a person a volunteer; those who attended before get their
profile here (source ``attended``), so their hours show. The downgrade keeps those profiles:
they are volunteers' records like any other by then; it cancels pending sign-ups (the status
goes).
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_contact_confirmations"
down_revision = "0018_knock_server_time"
branch_labels = None
depends_on = None


SIGNUP_STATUSES = ("registered", "confirmed", "waitlisted", "cancelled", "completed", "no_show")


def _signup_statuses(values):
    op.drop_constraint(op.f("ck_signups_signup_status"), "signups", type_="check")
    listed = ", ".join(f"'{value}'" for value in values)
    op.create_check_constraint(op.f("ck_signups_signup_status"), "signups", f"status IN ({listed})")


def upgrade():
    op.add_column(
        "events",
        sa.Column(
            "confirm_before_seat", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
    )
    _signup_statuses(("pending", *SIGNUP_STATUSES))
    op.create_table(
        "contact_confirmations",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("collection", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=254), nullable=False),
        sa.Column("consent", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("sms_consent", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_contact_confirmations_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_contact_confirmations_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_confirmations")),
        sa.UniqueConstraint("token", name=op.f("uq_contact_confirmations_token")),
    )
    op.create_index("ix_contact_confirmations_person_id", "contact_confirmations", ["person_id"])
    op.create_index(
        op.f("ix_contact_confirmations_organization_id"),
        "contact_confirmations",
        ["organization_id"],
    )
    # Attendees before this revision: volunteers now (a random feed token each).
    op.execute(
        """
        INSERT INTO volunteer_profiles (organization_id, person_id, feed_token, source)
        SELECT DISTINCT ON (c.organization_id, c.person_id) c.organization_id, c.person_id,
               substr(replace(gen_random_uuid()::text, '-', '')
                      || replace(gen_random_uuid()::text, '-', ''), 1, 43),
               'attended'
        FROM check_ins c
        JOIN people p ON p.id = c.person_id AND p.merged_into_id IS NULL
        ON CONFLICT (organization_id, person_id) DO NOTHING
        """
    )


def downgrade():
    op.execute("UPDATE signups SET status = 'cancelled' WHERE status = 'pending'")
    _signup_statuses(SIGNUP_STATUSES)
    op.drop_column("events", "confirm_before_seat")
    op.drop_index(
        op.f("ix_contact_confirmations_organization_id"), table_name="contact_confirmations"
    )
    op.drop_index("ix_contact_confirmations_person_id", table_name="contact_confirmations")
    op.drop_table("contact_confirmations")
