"""Dashboards: donors (new and repeat) and the median gift of an area from rollups, kept exact
by triggers in the same transaction as the gifts they count

Revision ID: 0048_donor_rollups
Revises: 0047_dashboards
Create Date: 2026-12-08 12:00:00

Whether a donor is new depends on the donor's other gifts, so these are not sums of rows like
0047's rollups: a person's days of giving are recounted whole whenever one of their gifts is
added, moved (a merge), voided or deleted, or their areas change. ``dash_donor_days`` holds
each person's days (with the previous day of giving, the areas and the amounts), so what a
person counted before is taken away exactly before what they count now is added.

The donors of days a..b are the donor days in a..b whose previous day of giving is before a
(each donor once: their first day in the run); the new ones have no previous day at all
(it reads 0001-01-01).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0048_donor_rollups"
down_revision = "0047_dashboards"
branch_labels = None
depends_on = None

# The signed counts of a set of donor days ``{days}`` (with ``{sign}``), added to both rollups.
COUNTS = """
, counted_{name} AS (
  INSERT INTO dash_donor_counts AS t (organization_id, area_id, day, prev_day, donors)
  SELECT g.organization_id, a.area_id, g.day, g.prev_day, {sign} * count(*)
  FROM {days} g CROSS JOIN LATERAL unnest(ARRAY[0] || g.area_ids) AS a(area_id)
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (organization_id, area_id, day, prev_day)
  DO UPDATE SET donors = t.donors + EXCLUDED.donors)
INSERT INTO dash_gift_amount_areas AS t (organization_id, area_id, day, amount_cents, gifts)
SELECT g.organization_id, a.area_id, g.day, m.amount_cents, {sign} * count(*)
FROM {days} g CROSS JOIN LATERAL unnest(g.area_ids) AS a(area_id)
CROSS JOIN LATERAL unnest(g.amounts) AS m(amount_cents)
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
ON CONFLICT (organization_id, area_id, day, amount_cents)
DO UPDATE SET gifts = t.gifts + EXCLUDED.gifts;"""

# A person's days of giving from the ledger (contributions that stand).
DAYS = """
SELECT d.organization_id, d.person_id, d.day,
       coalesce(lag(d.day) OVER (PARTITION BY d.person_id ORDER BY d.day), '0001-01-01'),
       p.area_ids, d.amounts
FROM (SELECT organization_id, person_id, received_on AS day,
             array_agg(amount_cents ORDER BY amount_cents) AS amounts
      FROM donations
      WHERE {where} AND kind = 'contribution' AND voided_at IS NULL AND person_id IS NOT NULL
      GROUP BY 1, 2, 3) d
JOIN people p ON p.id = d.person_id"""

COLUMNS = "organization_id, person_id, day, prev_day, area_ids, amounts"

FUNCTIONS = f"""
CREATE FUNCTION dash_recount_donors(p_people bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_people IS NULL OR cardinality(p_people) = 0 THEN
    RETURN;
  END IF;
  -- One recount of a person at a time (two gifts of one donor landing at once): the second
  -- waits, then reads the first's gifts. A row lock that key-share (a new gift's foreign
  -- key) does not block, taken in id order.
  PERFORM 1 FROM people WHERE id = ANY(p_people) ORDER BY id FOR NO KEY UPDATE;
  WITH gone AS (DELETE FROM dash_donor_days WHERE person_id = ANY(p_people) RETURNING *)
  {COUNTS.format(name="gone", days="gone", sign="-1")}
  WITH made AS (
    INSERT INTO dash_donor_days ({COLUMNS})
    {DAYS.format(where="person_id = ANY(p_people)")}
    RETURNING *)
  {COUNTS.format(name="made", days="made", sign="1")}
END $$;

CREATE FUNCTION dash_rebuild_donors(p_org bigint, p_first date, p_last date)
RETURNS void LANGUAGE plpgsql AS $$
-- Every day of the campaign (a day's donors depend on the days before it: p_first and
-- p_last are taken for the signature the other recounts share, and ignored).
BEGIN
  DELETE FROM dash_donor_counts WHERE organization_id = p_org;
  DELETE FROM dash_gift_amount_areas WHERE organization_id = p_org;
  DELETE FROM dash_donor_days WHERE organization_id = p_org;
  WITH made AS (
    INSERT INTO dash_donor_days ({COLUMNS})
    {DAYS.format(where="organization_id = p_org")}
    RETURNING *)
  {COUNTS.format(name="made", days="made", sign="1")}
END $$;

CREATE FUNCTION dash_donations_donors_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM dash_recount_donors(array_agg(DISTINCT person_id)) FROM new_rows
      WHERE kind = 'contribution' AND person_id IS NOT NULL;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM dash_recount_donors(array_agg(DISTINCT x.person_id))
      FROM old_rows o JOIN new_rows n ON n.id = o.id
      CROSS JOIN LATERAL (VALUES (o.person_id), (n.person_id)) AS x(person_id)
      WHERE x.person_id IS NOT NULL AND 'contribution' IN (o.kind, n.kind)
        AND (o.person_id, o.received_on, o.kind, o.voided_at IS NULL, o.amount_cents)
            IS DISTINCT FROM (n.person_id, n.received_on, n.kind, n.voided_at IS NULL,
                              n.amount_cents);
  ELSE
    PERFORM dash_recount_donors(array_agg(DISTINCT person_id)) FROM old_rows
      WHERE kind = 'contribution' AND person_id IS NOT NULL;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER dash_donations_donors_inserted AFTER INSERT ON donations
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_donations_donors_changed();
CREATE TRIGGER dash_donations_donors_updated AFTER UPDATE ON donations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_donations_donors_changed();
CREATE TRIGGER dash_donations_donors_deleted AFTER DELETE ON donations
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_donations_donors_changed();

CREATE FUNCTION dash_people_donor_areas_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dash_recount_donors(array_agg(n.id))
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.area_ids IS DISTINCT FROM n.area_ids
      AND EXISTS (SELECT 1 FROM dash_donor_days d WHERE d.person_id = n.id);
  RETURN NULL;
END $$;
CREATE TRIGGER dash_people_donor_areas_changed AFTER UPDATE ON people
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_people_donor_areas_changed();
"""


def upgrade():
    op.create_table(
        "dash_donor_days",
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("prev_day", sa.Date(), nullable=False),
        sa.Column("area_ids", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column("amounts", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "day", name=op.f("pk_dash_donor_days")),
    )
    op.create_index(
        op.f("ix_dash_donor_days_organization_id"), "dash_donor_days", ["organization_id"]
    )
    op.create_table(
        "dash_donor_counts",
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("prev_day", sa.Date(), nullable=False),
        sa.Column("donors", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint(
            "organization_id", "area_id", "day", "prev_day", name=op.f("pk_dash_donor_counts")
        ),
    )
    op.create_table(
        "dash_gift_amount_areas",
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("gifts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint(
            "organization_id", "area_id", "day", "amount_cents",
            name=op.f("pk_dash_gift_amount_areas"),
        ),
    )  # fmt: skip
    op.execute(FUNCTIONS)
    op.execute("SELECT dash_rebuild_donors(id, NULL, NULL) FROM organizations")


def downgrade():
    op.execute("DROP TRIGGER dash_people_donor_areas_changed ON people")
    op.execute("DROP FUNCTION dash_people_donor_areas_changed()")
    for event in ("inserted", "updated", "deleted"):
        op.execute(f"DROP TRIGGER dash_donations_donors_{event} ON donations")
    op.execute("DROP FUNCTION dash_donations_donors_changed()")
    op.execute("DROP FUNCTION dash_rebuild_donors(bigint, date, date)")
    op.execute("DROP FUNCTION dash_recount_donors(bigint[])")
    op.drop_table("dash_gift_amount_areas")
    op.drop_table("dash_donor_counts")
    op.drop_index(op.f("ix_dash_donor_days_organization_id"), table_name="dash_donor_days")
    op.drop_table("dash_donor_days")
