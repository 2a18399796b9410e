"""Money's screens: people carry ``is_donor`` (what organizers and directors see of a person's
giving, without amounts), kept by the donations room with the running totals

Revision ID: 0024_donation_screens
Revises: 0023_donation_imports
Create Date: 2026-12-05 23:30:00

A person is a donor once a gift of theirs stands (not voided), or money was reattributed to
them; the column is filled
here from the donors' summaries, then ``app.donations.totals.refresh_totals`` keeps it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_donation_screens"
down_revision = "0023_donation_imports"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "people",
        sa.Column("is_donor", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.execute(
        "UPDATE people SET is_donor = true FROM donors "
        "WHERE donors.person_id = people.id AND (donors.gift_count > 0 OR donors.total_cents > 0)"
    )


def downgrade():
    op.drop_column("people", "is_donor")
