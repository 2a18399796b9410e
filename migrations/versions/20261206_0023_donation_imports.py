"""Income from processors: donation imports (a kind of import job), donation mappings (a kind
of saved mapping, with options), and the processors' webhook credentials (hashed)

Revision ID: 0023_donation_imports
Revises: 0022_fec_reports
Create Date: 2026-12-06 09:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0023_donation_imports"
down_revision = "0022_fec_reports"
branch_labels = None
depends_on = None

IMPORT_KINDS = ("voters", "history", "areas", "address_points", "streets")


def _import_kinds(*kinds: str) -> None:
    op.drop_constraint(op.f("ck_import_jobs_import_kind"), "import_jobs", type_="check")
    listed = ", ".join(f"'{kind}'" for kind in kinds)
    op.create_check_constraint("import_kind", "import_jobs", f"kind IN ({listed})")


def upgrade():
    _import_kinds(*IMPORT_KINDS, "donations")
    op.add_column(
        "import_mappings",
        sa.Column("kind", sa.String(length=20), server_default="voters", nullable=False),
    )
    op.add_column(
        "import_mappings",
        sa.Column(
            "options",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
    )
    op.create_table(
        "processor_webhooks",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("processor", sa.String(length=20), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_processor_webhooks_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processor_webhooks")),
        sa.UniqueConstraint(
            "organization_id", "processor", name=op.f("uq_processor_webhooks_organization_id")
        ),
    )


def downgrade():
    op.drop_table("processor_webhooks")
    op.drop_column("import_mappings", "options")
    op.drop_column("import_mappings", "kind")
    op.execute("DELETE FROM import_jobs WHERE kind = 'donations'")
    _import_kinds(*IMPORT_KINDS)
