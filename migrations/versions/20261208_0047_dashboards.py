"""Dashboards: rollups of door knocks, support IDs and the money ledger, kept exact by
triggers in the same transaction as the rows they count, and the field goal

Revision ID: 0047_dashboards
Revises: 0046_targeting
Create Date: 2026-12-07 12:00:00

How the rollups stay exact (docs/dashboards.md): a statement-level trigger on each raw table
adds what the new rows count and takes away what the old rows counted (an update is both: a
rolled-back batch's knocks leave ``applied``, a merged person's gifts and answers move to
the survivor's areas, a voided gift leaves the ledger, a refund is a new negative entry).
Where a row's areas change (an address's or a person's ``area_ids``) the same is done for the
knocks, answers and gifts that hang on it. Deletes (only survey answers are ever deleted)
and a campaign's change of time zone recount the days concerned from the raw tables.
"""

import sqlalchemy as sa
from alembic import op

revision = "0047_dashboards"
down_revision = "0046_targeting"
branch_labels = None
depends_on = None

# Each rollup: its table, key columns, summed columns, and the SELECT that turns source rows
# (a relation ``r`` with the raw columns plus ``area_ids``) into signed contributions.
FIELD_KEYS = "organization_id, area_id, day, hour, user_id"
FIELD_SUMS = ("knocks", "contacts")
FIELD_ROWS = """
SELECT r.organization_id, a.area_id,
       (r.occurred_at AT TIME ZONE o.time_zone)::date AS day,
       extract(hour FROM r.occurred_at AT TIME ZONE o.time_zone)::smallint AS hour,
       r.user_id, {sign} AS knocks, CASE WHEN r.is_contact THEN {sign} ELSE 0 END AS contacts
FROM {rows} r
JOIN organizations o ON o.id = r.organization_id
CROSS JOIN LATERAL unnest(ARRAY[0] || r.area_ids) AS a(area_id)
WHERE r.status = 'applied'"""

SUPPORT_KEYS = "organization_id, area_id, day, user_id, answer"
SUPPORT_SUMS = ("answers",)
SUPPORT_ROWS = """
SELECT r.organization_id, a.area_id, r.answered_on AS day, coalesce(r.user_id, 0) AS user_id,
       r.answer, {sign} AS answers
FROM {rows} r
CROSS JOIN LATERAL unnest(ARRAY[0] || coalesce(r.area_ids, '{{}}'::integer[])) AS a(area_id)
WHERE r.question = 'support'"""

MONEY_KEYS = "organization_id, area_id, day, kind, processor, page, is_recurring"
MONEY_SUMS = ("entries", "amount_cents")
MONEY_ROWS = """
SELECT r.organization_id, a.area_id, r.received_on AS day, r.kind, r.processor,
       coalesce(r.page, '') AS page, r.recurring_series IS NOT NULL AS is_recurring,
       {sign} AS entries, {sign} * r.amount_cents AS amount_cents
FROM {rows} r
CROSS JOIN LATERAL unnest(ARRAY[0] || coalesce(r.area_ids, '{{}}'::integer[])) AS a(area_id)
WHERE r.voided_at IS NULL"""

ROLLUPS = {
    "field": ("dash_field_rollups", FIELD_KEYS, FIELD_SUMS, FIELD_ROWS),
    "support": ("dash_support_rollups", SUPPORT_KEYS, SUPPORT_SUMS, SUPPORT_ROWS),
    "money": ("dash_money_rollups", MONEY_KEYS, MONEY_SUMS, MONEY_ROWS),
    # The same per area and day only: what "by area" and the map read (9,000 precincts).
    "field_areas": (
        "dash_field_area_days",
        "organization_id, area_id, day",
        FIELD_SUMS,
        FIELD_ROWS,
    ),
    "money_areas": (
        "dash_money_area_days",
        "organization_id, area_id, day, kind",
        MONEY_SUMS,
        MONEY_ROWS,
    ),
}
# Gifts by amount (every area together): the median gift from sums.
GIFT_ROWS = """
SELECT r.organization_id, r.received_on AS day, r.amount_cents, {sign} AS gifts
FROM {rows} r WHERE r.voided_at IS NULL AND r.kind = 'contribution'"""
ROLLUPS["gift_amounts"] = (
    "dash_gift_amounts",
    "organization_id, day, amount_cents",
    ("gifts",),
    GIFT_ROWS,
)
#: The raw rows each rollup counts (the coarse ones count what their fine one does).
BASE = {"field": "field", "support": "support", "money": "money", "field_areas": "field",
        "money_areas": "money", "gift_amounts": "money"}  # fmt: skip

# The source rows with their areas: knocks by their door, answers and gifts by their person.
WITH_AREAS = {
    "field": "(SELECT k.*, ad.area_ids FROM {t} k JOIN addresses ad ON ad.id = k.address_id)",
    "support": "(SELECT s.*, p.area_ids FROM {t} s LEFT JOIN people p ON p.id = s.person_id)",
    "money": "(SELECT d.*, p.area_ids FROM {t} d LEFT JOIN people p ON p.id = d.person_id)",
}


def upsert(rollup: str, parts: list[tuple[str, str]]) -> str:
    """The statement adding the signed contributions of ``parts`` ((rows, sign) pairs)."""
    table, keys, sums, rows_sql = ROLLUPS[rollup]
    union = " UNION ALL ".join(rows_sql.format(rows=rows, sign=sign) for rows, sign in parts)
    totals = ", ".join(f"sum({s})" for s in sums)
    changed = " OR ".join(f"sum({s}) <> 0" for s in sums)
    updates = ", ".join(f"{s} = t.{s} + EXCLUDED.{s}" for s in sums)
    return (
        f"INSERT INTO {table} AS t ({keys}, {', '.join(sums)}) "
        f"SELECT {keys}, {totals} FROM ({union}) c GROUP BY {keys} HAVING {changed} "
        f"ORDER BY {keys} ON CONFLICT ({keys}) DO UPDATE SET {updates};"
    )


def source_function(base: str, table: str) -> str:
    """The trigger function of a raw table: insert adds, update moves, delete recounts, in
    every rollup of the rows it holds."""
    rows = WITH_AREAS[base]
    rollups = [name for name, of in BASE.items() if of == base]
    day = {"field": None, "support": "answered_on", "money": "received_on"}[base]
    if day is None:
        days = (
            "SELECT r.organization_id, min((r.occurred_at AT TIME ZONE o.time_zone)::date) "
            "AS first_day, max((r.occurred_at AT TIME ZONE o.time_zone)::date) AS last_day "
            "FROM old_rows r JOIN organizations o ON o.id = r.organization_id "
            "GROUP BY r.organization_id"
        )
    else:
        days = (
            f"SELECT organization_id, min({day}) AS first_day, max({day}) AS last_day "
            "FROM old_rows GROUP BY organization_id"
        )
    recount = " ".join(
        f"PERFORM dash_rebuild_{name}(d.organization_id, d.first_day, d.last_day) FROM ({days}) d;"
        for name in rollups
    )
    inserted = " ".join(upsert(name, [(rows.format(t="new_rows"), "1")]) for name in rollups)
    moved = " ".join(
        upsert(name, [(rows.format(t="old_rows"), "-1"), (rows.format(t="new_rows"), "1")])
        for name in rollups
    )
    return f"""
CREATE FUNCTION dash_{table}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {inserted}
  ELSIF TG_OP = 'UPDATE' THEN
    {moved}
  ELSE
    {recount}
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER dash_{table}_inserted AFTER INSERT ON {table}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dash_{table}_changed();
CREATE TRIGGER dash_{table}_updated AFTER UPDATE ON {table}
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_{table}_changed();
CREATE TRIGGER dash_{table}_deleted AFTER DELETE ON {table}
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dash_{table}_changed();
"""


def _moved(child: str, fk: str, parts: str) -> str:
    """Rows of ``child`` hanging on a row whose area_ids changed, with the old or new areas."""
    return (
        f"(SELECT c.*, x.area_ids FROM {child} c JOIN {parts} x ON x.id = c.{fk} "
        "JOIN {other} y ON y.id = x.id WHERE x.area_ids IS DISTINCT FROM y.area_ids)"
    )


def area_function(table: str, children: list[tuple[str, str, str]]) -> str:
    """When an address's or a person's areas change, what hangs on it moves with them."""
    statements = []
    for rollup, child, fk in children:
        old = _moved(child, fk, "old_rows").format(other="new_rows")
        new = _moved(child, fk, "new_rows").format(other="old_rows")
        statements.append(upsert(rollup, [(old, "-1"), (new, "1")]))
    body = "\n    ".join(statements)
    return f"""
CREATE FUNCTION dash_{table}_areas_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
             WHERE o.area_ids IS DISTINCT FROM n.area_ids) THEN
    {body}
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER dash_{table}_areas_changed AFTER UPDATE ON {table}
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_{table}_areas_changed();
"""


def rebuild_function(rollup: str) -> str:
    """dash_rebuild_X(campaign, first day, last day): recount those days from the raw tables
    (NULL days: all). The bench uses it too, after loading with the triggers off."""
    table, keys, sums, rows_sql = ROLLUPS[rollup]
    base = BASE[rollup]
    if base == "field":
        source = (
            "(SELECT k.*, ad.area_ids FROM door_knocks k JOIN addresses ad ON ad.id = k.address_id"
            " JOIN organizations z ON z.id = k.organization_id WHERE k.organization_id = p_org"
            " AND (p_first IS NULL OR k.occurred_at >= (p_first::timestamp AT TIME ZONE z.time_zone))"
            " AND (p_last IS NULL OR k.occurred_at < ((p_last + 1)::timestamp AT TIME ZONE z.time_zone)))"
        )
    else:
        raw, day, extra = {
            "support": ("survey_answers", "answered_on", " AND s.question = 'support'"),
            "money": ("donations", "received_on", ""),
        }[base]
        alias = "s" if base == "support" else "d"
        source = (
            WITH_AREAS[base].format(t=raw)[:-1] + f" WHERE {alias}.organization_id = p_org{extra}"
            f" AND (p_first IS NULL OR {alias}.{day} >= p_first)"
            f" AND (p_last IS NULL OR {alias}.{day} <= p_last))"
        )
    totals = ", ".join(f"sum({s})" for s in sums)
    return f"""
CREATE FUNCTION dash_rebuild_{rollup}(p_org bigint, p_first date, p_last date)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {table} WHERE organization_id = p_org
    AND (p_first IS NULL OR day >= p_first) AND (p_last IS NULL OR day <= p_last);
  INSERT INTO {table} ({keys}, {", ".join(sums)})
  SELECT {keys}, {totals} FROM ({rows_sql.format(rows=source, sign="1")}) c
  GROUP BY {keys};
END $$;
"""


TIME_ZONE_FUNCTION = """
CREATE FUNCTION dash_organizations_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM dash_rebuild_field(n.id, NULL, NULL), dash_rebuild_field_areas(n.id, NULL, NULL)
    FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.time_zone IS DISTINCT FROM n.time_zone;
  RETURN NULL;
END $$;
CREATE TRIGGER dash_organizations_changed AFTER UPDATE ON organizations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION dash_organizations_changed();
"""

SOURCES = (("field", "door_knocks"), ("support", "survey_answers"), ("money", "donations"))
AREA_SOURCES = {
    "addresses": [("field", "door_knocks", "address_id"),
                  ("field_areas", "door_knocks", "address_id")],
    "people": [("support", "survey_answers", "person_id"), ("money", "donations", "person_id"),
               ("money_areas", "donations", "person_id")],
}  # fmt: skip


def upgrade():
    op.create_table(
        "dash_field_rollups",
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hour", sa.SmallInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("knocks", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("contacts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint(
            "organization_id", "area_id", "day", "hour", "user_id",
            name=op.f("pk_dash_field_rollups"),
        ),
    )  # fmt: skip
    op.create_table(
        "dash_support_rollups",
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("answer", sa.String(length=100), nullable=False),
        sa.Column("answers", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint(
            "organization_id", "area_id", "day", "user_id", "answer",
            name=op.f("pk_dash_support_rollups"),
        ),
    )  # fmt: skip
    op.create_table(
        "dash_money_rollups",
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("processor", sa.String(length=20), nullable=False),
        sa.Column("page", sa.String(length=100), nullable=False),
        sa.Column("is_recurring", sa.Boolean(), nullable=False),
        sa.Column("entries", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint(
            "organization_id", "area_id", "day", "kind", "processor", "page", "is_recurring",
            name=op.f("pk_dash_money_rollups"),
        ),
    )  # fmt: skip
    op.create_table(
        "dash_field_area_days",
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("knocks", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("contacts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint(
            "organization_id", "area_id", "day", name=op.f("pk_dash_field_area_days")
        ),
    )
    op.create_table(
        "dash_money_area_days",
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("entries", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint(
            "organization_id", "area_id", "day", "kind", name=op.f("pk_dash_money_area_days")
        ),
    )
    op.create_table(
        "dash_gift_amounts",
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("gifts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint(
            "organization_id", "day", "amount_cents", name=op.f("pk_dash_gift_amounts")
        ),
    )
    op.create_table(
        "dash_field_goals",
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("doors", sa.Integer(), nullable=False),
        sa.Column("goal_on", sa.Date(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("updated_by_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"], ["organizations.id"],
            name=op.f("fk_dash_field_goals_organization_id_organizations"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_dash_field_goals_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_dash_field_goals")),
    )  # fmt: skip
    # The recount of a day reads its knocks by time; a door's new areas find its knocks.
    op.create_index(
        "ix_door_knocks_organization_id_occurred_at",
        "door_knocks",
        ["organization_id", "occurred_at"],
    )
    op.create_index("ix_door_knocks_address_id", "door_knocks", ["address_id"])
    op.create_index(
        "ix_donations_person_id_gift_on",
        "donations",
        ["person_id", "received_on"],
        postgresql_where=sa.text("kind = 'contribution' AND voided_at IS NULL"),
    )
    for rollup in ROLLUPS:
        op.execute(rebuild_function(rollup))
    for rollup, table in SOURCES:
        op.execute(source_function(rollup, table))
    for table, children in AREA_SOURCES.items():
        op.execute(area_function(table, children))
    op.execute(TIME_ZONE_FUNCTION)
    # What was there before the rollups: counted once, now.
    for rollup in ROLLUPS:
        op.execute(f"SELECT dash_rebuild_{rollup}(id, NULL, NULL) FROM organizations")


def downgrade():
    op.execute("DROP TRIGGER dash_organizations_changed ON organizations")
    op.execute("DROP FUNCTION dash_organizations_changed()")
    for table in AREA_SOURCES:
        op.execute(f"DROP TRIGGER dash_{table}_areas_changed ON {table}")
        op.execute(f"DROP FUNCTION dash_{table}_areas_changed()")
    for _, table in SOURCES:
        for event in ("inserted", "updated", "deleted"):
            op.execute(f"DROP TRIGGER dash_{table}_{event} ON {table}")
        op.execute(f"DROP FUNCTION dash_{table}_changed()")
    for rollup in ROLLUPS:
        op.execute(f"DROP FUNCTION dash_rebuild_{rollup}(bigint, date, date)")
    op.drop_index("ix_donations_person_id_gift_on", table_name="donations")
    op.drop_index("ix_door_knocks_address_id", table_name="door_knocks")
    op.drop_index("ix_door_knocks_organization_id_occurred_at", table_name="door_knocks")
    op.drop_table("dash_field_goals")
    op.drop_table("dash_money_area_days")
    op.drop_table("dash_gift_amounts")
    op.drop_table("dash_field_area_days")
    op.drop_table("dash_money_rollups")
    op.drop_table("dash_support_rollups")
    op.drop_table("dash_field_rollups")
