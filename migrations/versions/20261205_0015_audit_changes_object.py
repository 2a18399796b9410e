"""Audit records' changes are a JSON object: a CHECK constraint, added NOT VALID

Revision ID: 0015_audit_changes_object
Revises: 0014_people_cells
Create Date: 2026-12-05 20:20:00

Before this revision a few operations (events.update, events.shift.update, volunteers.update,
volunteers.team_update) wrote ``changes`` as a list of field names. audit_events is append-only
(the trigger audit_events_no_update_delete refuses UPDATE), and the trail is evidence: those
rows are kept exactly as written, not rewritten. The constraint is therefore added NOT VALID,
so PostgreSQL checks every row written from now on and leaves the old ones alone; the listing
reads an old list as {"items": [...]} (AuditEvent.changes_object). Adding it takes a brief
ACCESS EXCLUSIVE lock and reads no rows. Where no such row exists (a new or clean database) the
constraint is then validated, which scans the table without blocking writes; a validated
constraint is also what SQLAlchemy 2.1's reflection can read back (it fails on NOT VALID
check constraints, which breaks Alembic's model comparison).
"""

from alembic import op

revision = "0015_audit_changes_object"
down_revision = "0014_people_cells"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "ALTER TABLE audit_events ADD CONSTRAINT ck_audit_events_changes_object "
        "CHECK (jsonb_typeof(changes) = 'object') NOT VALID"
    )
    op.execute(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM audit_events "
        "WHERE jsonb_typeof(changes) <> 'object') THEN "
        "ALTER TABLE audit_events VALIDATE CONSTRAINT ck_audit_events_changes_object; "
        "END IF; END $$"
    )


def downgrade():
    op.execute("ALTER TABLE audit_events DROP CONSTRAINT ck_audit_events_changes_object")
