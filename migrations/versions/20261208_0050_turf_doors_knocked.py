"""Turf doors know whether they were knocked since their turf was made (the dashboard's doors
left in active turfs, without probing the knocks of every door), kept by triggers

Revision ID: 0050_turf_doors_knocked
Revises: 0049_weekly_summary
Create Date: 2026-12-08 13:00:00

``turf_doors.knocked``: a knock that stands (status ``applied``) at the door, made at or after
its turf's ``created_at``. A new knock marks its door; a knock that leaves ``applied`` (a held
or rolled-back batch), moves or is deleted has its doors recounted; a door added to a turf or
moved to another turf is recounted against that turf's age.
"""

import sqlalchemy as sa
from alembic import op

revision = "0050_turf_doors_knocked"
down_revision = "0049_weekly_summary"
branch_labels = None
depends_on = None

# Recount the doors ``{doors}`` (a relation with address_id) of every turf they are in.
RECOUNT = """
UPDATE turf_doors td SET knocked = x.knocked
FROM (SELECT d.address_id, EXISTS (
        SELECT 1 FROM door_knocks k WHERE k.address_id = d.address_id
          AND k.status = 'applied' AND k.occurred_at >= t.created_at) AS knocked
      FROM turf_doors d JOIN turfs t ON t.id = d.turf_id
      WHERE d.address_id IN (SELECT address_id FROM {doors})) x
WHERE td.address_id = x.address_id AND td.knocked IS DISTINCT FROM x.knocked;"""

FUNCTIONS = f"""
CREATE FUNCTION turf_doors_knocks_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE turf_doors td SET knocked = true
    FROM new_rows k JOIN turfs t ON true
    WHERE td.address_id = k.address_id AND t.id = td.turf_id AND NOT td.knocked
      AND k.status = 'applied' AND k.occurred_at >= t.created_at;
  ELSIF TG_OP = 'UPDATE' THEN
    IF EXISTS (SELECT id, status, address_id, occurred_at FROM old_rows
               EXCEPT SELECT id, status, address_id, occurred_at FROM new_rows) THEN
      {RECOUNT.format(doors="(SELECT address_id FROM old_rows UNION SELECT address_id FROM new_rows) c")}
    END IF;
  ELSE
    {RECOUNT.format(doors="old_rows")}
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER turf_doors_knock_inserted AFTER INSERT ON door_knocks
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION turf_doors_knocks_changed();
CREATE TRIGGER turf_doors_knock_updated AFTER UPDATE ON door_knocks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION turf_doors_knocks_changed();
CREATE TRIGGER turf_doors_knock_deleted AFTER DELETE ON door_knocks
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION turf_doors_knocks_changed();

CREATE FUNCTION turf_doors_placed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {RECOUNT.format(doors="new_rows")}
  ELSIF EXISTS (SELECT address_id, turf_id FROM new_rows
                EXCEPT SELECT address_id, turf_id FROM old_rows) THEN
    {RECOUNT.format(doors="new_rows")}
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER turf_doors_inserted AFTER INSERT ON turf_doors
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION turf_doors_placed();
CREATE TRIGGER turf_doors_moved AFTER UPDATE ON turf_doors
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION turf_doors_placed();
"""


def upgrade():
    op.add_column(
        "turf_doors",
        sa.Column("knocked", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.execute(FUNCTIONS)
    op.execute(RECOUNT.format(doors="turf_doors"))


def downgrade():
    op.execute("DROP TRIGGER turf_doors_moved ON turf_doors")
    op.execute("DROP TRIGGER turf_doors_inserted ON turf_doors")
    op.execute("DROP FUNCTION turf_doors_placed()")
    for event in ("inserted", "updated", "deleted"):
        op.execute(f"DROP TRIGGER turf_doors_knock_{event} ON door_knocks")
    op.execute("DROP FUNCTION turf_doors_knocks_changed()")
    op.drop_column("turf_doors", "knocked")
