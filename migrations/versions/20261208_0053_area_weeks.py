"""Dashboards: the per-area rollups by week as well as by day, kept from the daily ones by
triggers on them

Revision ID: 0053_area_weeks
Revises: 0052_support_area_days
Create Date: 2026-12-08 16:00:00

"By area" and the map read one row per area and day: 9,000 precincts over 120 days is a
million rows. A run of days is now read as its whole weeks (Monday to Sunday) from the weekly
tables and the days at either end from the daily ones. Every change to a daily table is passed
on to its weekly one in the same statement's transaction (new rows added, old rows taken
away), whatever made it: a knock, a gift, an answer, a merge, a recount.
"""

import sqlalchemy as sa
from alembic import op

revision = "0053_area_weeks"
down_revision = "0052_support_area_days"
branch_labels = None
depends_on = None

# weekly table -> (its daily table, extra key columns, summed columns)
WEEKS = {
    "dash_field_area_weeks": ("dash_field_area_days", (), ("knocks", "contacts")),
    "dash_money_area_weeks": ("dash_money_area_days", ("kind",), ("entries", "amount_cents")),
    "dash_support_area_weeks": ("dash_support_area_days", (), ("answers", "supporters")),
}
WEEK = "date_trunc('week', day)::date"


def functions(weekly: str) -> str:
    daily, extra, sums = WEEKS[weekly]
    keys = ", ".join(("organization_id", "area_id", "week", *extra))
    picked = ", ".join(("organization_id", "area_id", f"{WEEK} AS week", *extra))
    totals = ", ".join(f"sum({s})" for s in sums)

    def rows(table: str, sign: str) -> str:
        return (
            f"SELECT {picked}, " + ", ".join(f"{sign}{s} AS {s}" for s in sums) + f" FROM {table}"
        )

    def upsert(parts: str) -> str:
        changed = " OR ".join(f"sum({s}) <> 0" for s in sums)
        updates = ", ".join(f"{s} = t.{s} + EXCLUDED.{s}" for s in sums)
        return (
            f"INSERT INTO {weekly} AS t ({keys}, {', '.join(sums)}) "
            f"SELECT {keys}, {totals} FROM ({parts}) c GROUP BY {keys} HAVING {changed} "
            f"ORDER BY {keys} ON CONFLICT ({keys}) DO UPDATE SET {updates};"
        )

    name = weekly.removeprefix("dash_")
    return f"""
CREATE FUNCTION dash_{name}_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {upsert(rows("new_rows", ""))}
  ELSIF TG_OP = 'UPDATE' THEN
    {upsert(rows("new_rows", "") + " UNION ALL " + rows("old_rows", "-"))}
  ELSE
    {upsert(rows("old_rows", "-"))}
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER dash_{name}_inserted AFTER INSERT ON {daily}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dash_{name}_kept();
CREATE TRIGGER dash_{name}_updated AFTER UPDATE ON {daily}
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_{name}_kept();
CREATE TRIGGER dash_{name}_deleted AFTER DELETE ON {daily}
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dash_{name}_kept();

CREATE FUNCTION dash_rebuild_{name}(p_org bigint, p_first date, p_last date)
RETURNS void LANGUAGE plpgsql AS $$
-- The weeks that hold p_first .. p_last (NULL: all), recounted from the daily table.
BEGIN
  DELETE FROM {weekly} WHERE organization_id = p_org
    AND (p_first IS NULL OR week >= date_trunc('week', p_first)::date)
    AND (p_last IS NULL OR week <= p_last);
  INSERT INTO {weekly} ({keys}, {", ".join(sums)})
  SELECT {keys}, {totals} FROM ({rows(daily, "")} WHERE organization_id = p_org
    AND (p_first IS NULL OR day >= date_trunc('week', p_first)::date)
    AND (p_last IS NULL OR {WEEK} <= p_last)) c
  GROUP BY {keys};
END $$;
"""


def upgrade():
    for weekly, (_, extra, sums) in WEEKS.items():
        op.create_table(
            weekly,
            sa.Column("organization_id", sa.BigInteger(), nullable=False),
            sa.Column("area_id", sa.Integer(), nullable=False),
            sa.Column("week", sa.Date(), nullable=False),
            *(sa.Column(k, sa.String(length=20), nullable=False) for k in extra),
            *(
                sa.Column(s, sa.BigInteger() if s == "amount_cents" else sa.Integer(),
                          server_default=sa.text("0"), nullable=False)
                for s in sums
            ),
            sa.PrimaryKeyConstraint(
                "organization_id", "area_id", "week", *extra, name=op.f(f"pk_{weekly}")
            ),
        )  # fmt: skip
        op.execute(functions(weekly))
        name = weekly.removeprefix("dash_")
        op.execute(f"SELECT dash_rebuild_{name}(id, NULL, NULL) FROM organizations")


def downgrade():
    for weekly, (daily, _, _) in WEEKS.items():
        name = weekly.removeprefix("dash_")
        for event in ("inserted", "updated", "deleted"):
            op.execute(f"DROP TRIGGER dash_{name}_{event} ON {daily}")
        op.execute(f"DROP FUNCTION dash_{name}_kept()")
        op.execute(f"DROP FUNCTION dash_rebuild_{name}(bigint, date, date)")
        op.drop_table(weekly)
