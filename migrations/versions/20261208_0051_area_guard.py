"""Dashboards: the area triggers of people and addresses find changed areas in linear time

Revision ID: 0051_area_guard
Revises: 0050_turf_doors_knocked
Create Date: 2026-12-08 14:00:00

0047's ``dash_people_areas_changed`` and ``dash_addresses_areas_changed`` first asked whether
any row's areas changed with ``EXISTS (old_rows JOIN new_rows ON id WHERE areas differ)``.
PostgreSQL plans an EXISTS for its first row, so it joined the two transition tables by a
nested loop: when no areas changed (most updates: a tag, a phone, a re-import's names) it
compared every pair, and one statement updating 20,000 people took 91 s instead of 0.7 s.
The guard is now an EXCEPT (hashed or sorted, one pass each). The rest of each function is
kept as 0047 wrote it: the definition is read from the catalog and only the guard replaced.
"""

from alembic import op
from sqlalchemy import text

revision = "0051_area_guard"
down_revision = "0050_turf_doors_knocked"
branch_labels = None
depends_on = None

NESTED = """IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
             WHERE o.area_ids IS DISTINCT FROM n.area_ids) THEN"""
HASHED = """IF EXISTS (SELECT id, area_ids FROM new_rows
             EXCEPT SELECT id, area_ids FROM old_rows) THEN"""


def _swap(old: str, new: str) -> None:
    connection = op.get_bind()
    for table in ("people", "addresses"):
        definition = connection.scalar(
            text(f"SELECT pg_get_functiondef('dash_{table}_areas_changed'::regproc)")
        )
        if old not in definition:
            raise RuntimeError(f"dash_{table}_areas_changed is not the function expected")
        op.execute(definition.replace(old, new))


def upgrade():
    _swap(NESTED, HASHED)


def downgrade():
    _swap(HASHED, NESTED)
