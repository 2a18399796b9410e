"""FEC reports written and filed: a filed report is amended, never edited or deleted

Revision ID: 0022_fec_reports
Revises: 0020_money
Create Date: 2026-12-06 10:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0022_fec_reports"
down_revision = "0020_money"
branch_labels = None
depends_on = None

FILED_FUNCTION = """
CREATE FUNCTION fec_reports_filed_stay() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.filed_at IS NOT NULL THEN
        RAISE EXCEPTION 'a filed FEC report is never changed: amend it'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$
"""


def upgrade():
    op.create_table(
        "fec_reports",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("committee_id", sa.String(length=9), nullable=False),
        sa.Column("form_type", sa.String(length=4), nullable=False),
        sa.Column("report_code", sa.String(length=3), nullable=False),
        sa.Column("coverage_from", sa.Date(), nullable=False),
        sa.Column("coverage_through", sa.Date(), nullable=False),
        sa.Column("amends_id", sa.BigInteger(), nullable=True),
        sa.Column("amendment_number", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("lines_digest", sa.String(length=64), nullable=False),
        sa.Column("summary", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("receipts_cents", sa.BigInteger(), nullable=False),
        sa.Column("refunds_cents", sa.BigInteger(), nullable=False),
        sa.Column("cash_on_hand_close_cents", sa.BigInteger(), nullable=False),
        sa.Column("itemized_lines", sa.Integer(), nullable=False),
        sa.Column(
            "written_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("written_by_id", sa.BigInteger(), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fec_filing_id", sa.String(length=20), nullable=True),
        sa.Column("filed_by_id", sa.BigInteger(), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["amends_id"], ["fec_reports.id"], name=op.f("fk_fec_reports_amends_id_fec_reports")
        ),
        sa.ForeignKeyConstraint(
            ["filed_by_id"], ["users.id"], name=op.f("fk_fec_reports_filed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_fec_reports_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["written_by_id"], ["users.id"], name=op.f("fk_fec_reports_written_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fec_reports")),
    )
    op.create_index(
        "ix_fec_reports_period",
        "fec_reports",
        ["organization_id", "committee_id", "coverage_from"],
        unique=False,
    )
    op.create_index(
        "uq_fec_reports_sha256", "fec_reports", ["organization_id", "sha256"], unique=True
    )
    op.execute(FILED_FUNCTION)
    op.execute(
        "CREATE TRIGGER fec_reports_filed_stay BEFORE UPDATE OR DELETE ON fec_reports "
        "FOR EACH ROW EXECUTE FUNCTION fec_reports_filed_stay()"
    )


def downgrade():
    op.execute("DROP TRIGGER fec_reports_filed_stay ON fec_reports")
    op.execute("DROP FUNCTION fec_reports_filed_stay()")
    op.drop_index("uq_fec_reports_sha256", table_name="fec_reports")
    op.drop_index("ix_fec_reports_period", table_name="fec_reports")
    op.drop_table("fec_reports")
