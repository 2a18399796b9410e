"""Refresh tokens keep what is needed to answer a retried rotation with the same pair: the id of
the access token issued with each, and the refresh token that replaced a rotated one

Revision ID: 0016_refresh_token_answers
Revises: 0015_audit_changes_object
Create Date: 2026-12-05 20:55:00

Only token ids (UUIDs) are stored, never a token: the pair is signed again from them. Tokens
issued before this revision have neither; a retry of their rotation gets a new pair, as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_refresh_token_answers"
down_revision = "0015_audit_changes_object"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("refresh_tokens", sa.Column("access_jti", sa.Uuid(), nullable=True))
    op.add_column("refresh_tokens", sa.Column("replaced_by_jti", sa.Uuid(), nullable=True))


def downgrade():
    op.drop_column("refresh_tokens", "replaced_by_jti")
    op.drop_column("refresh_tokens", "access_jti")
