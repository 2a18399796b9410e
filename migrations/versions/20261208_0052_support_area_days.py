"""Dashboards: support IDs per area and day, and how many of them are support (1 or 2): what
the map's support colouring reads for 9,000 precincts, kept from the support rollup by a
trigger on it

Revision ID: 0052_support_area_days
Revises: 0051_area_guard
Create Date: 2026-12-08 15:00:00

Every change to ``dash_support_rollups`` (whatever made it: an answer synced, moved by a merge
or an area change, a recount) is passed on to ``dash_support_area_days`` in the same
statement's transaction: what the new rows count is added and what the old rows counted is
taken away, summed over the canvassers and the answers.
"""

import sqlalchemy as sa
from alembic import op

revision = "0052_support_area_days"
down_revision = "0051_area_guard"
branch_labels = None
depends_on = None

KEYS = "organization_id, area_id, day"
SUMS = "answers, supporters"
UPSERT = f"""
INSERT INTO dash_support_area_days AS t ({KEYS}, {SUMS})
SELECT {KEYS}, sum(answers), sum(supporters) FROM ({{rows}}) c
GROUP BY {KEYS} HAVING sum(answers) <> 0 ORDER BY {KEYS}
ON CONFLICT ({KEYS}) DO UPDATE
SET answers = t.answers + EXCLUDED.answers, supporters = t.supporters + EXCLUDED.supporters;"""
SUPPORT = "CASE WHEN answer IN ('1', '2') THEN {sign}answers ELSE 0 END"
NEW = f"SELECT {KEYS}, answers, {SUPPORT.format(sign='')} AS supporters FROM new_rows"
OLD = f"SELECT {KEYS}, -answers AS answers, {SUPPORT.format(sign='-')} AS supporters FROM old_rows"

FUNCTIONS = f"""
CREATE FUNCTION dash_support_rollups_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {UPSERT.format(rows=NEW)}
  ELSIF TG_OP = 'UPDATE' THEN
    {UPSERT.format(rows=f"{NEW} UNION ALL {OLD}")}
  ELSE
    {UPSERT.format(rows=OLD)}
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER dash_support_rollups_inserted AFTER INSERT ON dash_support_rollups
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_support_rollups_changed();
CREATE TRIGGER dash_support_rollups_updated AFTER UPDATE ON dash_support_rollups
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_support_rollups_changed();
CREATE TRIGGER dash_support_rollups_deleted AFTER DELETE ON dash_support_rollups
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_support_rollups_changed();

CREATE FUNCTION dash_rebuild_support_areas(p_org bigint, p_first date, p_last date)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM dash_support_area_days WHERE organization_id = p_org
    AND (p_first IS NULL OR day >= p_first) AND (p_last IS NULL OR day <= p_last);
  INSERT INTO dash_support_area_days ({KEYS}, {SUMS})
  SELECT {KEYS}, sum(answers), sum({SUPPORT.format(sign="")}) FROM dash_support_rollups
  WHERE organization_id = p_org
    AND (p_first IS NULL OR day >= p_first) AND (p_last IS NULL OR day <= p_last)
  GROUP BY {KEYS};
END $$;
"""


def upgrade():
    op.create_table(
        "dash_support_area_days",
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("answers", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("supporters", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint(
            "organization_id", "area_id", "day", name=op.f("pk_dash_support_area_days")
        ),
    )
    op.execute(FUNCTIONS)
    op.execute("SELECT dash_rebuild_support_areas(id, NULL, NULL) FROM organizations")


def downgrade():
    for event in ("inserted", "updated", "deleted"):
        op.execute(f"DROP TRIGGER dash_support_rollups_{event} ON dash_support_rollups")
    op.execute("DROP FUNCTION dash_support_rollups_changed()")
    op.execute("DROP FUNCTION dash_rebuild_support_areas(bigint, date, date)")
    op.drop_table("dash_support_area_days")
