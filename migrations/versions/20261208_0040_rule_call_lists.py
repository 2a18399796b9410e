"""Follow-up rules put people on the phone bank's call lists (one kind of call list): each
named list a rule filled becomes a call list, its people waiting to be called are moved onto
it (where no other active list holds them), and the rule names the list by id.

Revision ID: 0040_rule_call_lists
Revises: 0031_mail_links
Create Date: 2026-12-08 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0040_rule_call_lists"
down_revision = "0031_mail_links"
branch_labels = None
depends_on = None

# A call list's code from CODE_ALPHABET (app.core.codes), eight characters.
CODE = (
    "(SELECT string_agg(substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + floor(random() * 31)::int,"
    " 1), '') FROM generate_series(1, 8 + 0 * length(n.name)))"
)


def upgrade():
    op.execute(f"""
        CREATE TEMP TABLE rule_lists ON COMMIT DROP AS
        WITH n AS (
            SELECT organization_id, action_params->>'list' AS name FROM follow_up_rules
             WHERE action = 'add_to_call_list' AND action_params ? 'list'
            UNION
            SELECT organization_id, list_name FROM call_list_entries WHERE done_at IS NULL
        )
        SELECT n.organization_id, n.name, {CODE} AS code FROM n
    """)
    op.execute("""
        ALTER TABLE rule_lists ADD COLUMN id bigint;
        WITH made AS (
            INSERT INTO call_lists (organization_id, name, code, expires_at)
            SELECT organization_id, left(name, 120), code, now() + interval '60 days'
              FROM rule_lists
            RETURNING id, organization_id, code
        )
        UPDATE rule_lists r SET id = made.id
          FROM made WHERE made.organization_id = r.organization_id AND made.code = r.code;
    """)
    # The people waiting on each list, with the number to call (primary first), where no
    # other active list holds them; in the order the rules added them.
    op.execute("""
        WITH waiting AS (
            SELECT r.id AS list_id, e.organization_id, e.person_id, e.added_at
              FROM call_list_entries e
              JOIN rule_lists r ON r.organization_id = e.organization_id AND r.name = e.list_name
             WHERE e.done_at IS NULL
        ), held AS (
            INSERT INTO call_checkouts (person_id, call_list_id, organization_id)
            SELECT DISTINCT ON (person_id) person_id, list_id, organization_id FROM waiting
             ORDER BY person_id, added_at
            ON CONFLICT (person_id) DO NOTHING
            RETURNING person_id, call_list_id
        )
        INSERT INTO call_list_people (organization_id, call_list_id, person_id, position,
                                      household_id, phone_id, zones)
        SELECT w.organization_id, w.list_id, w.person_id,
               row_number() OVER (PARTITION BY w.list_id ORDER BY w.added_at, w.person_id),
               p.household_id, phone.id, ARRAY[o.time_zone]::varchar[]
          FROM waiting w
          JOIN held h ON h.person_id = w.person_id AND h.call_list_id = w.list_id
          JOIN people p ON p.id = w.person_id
          JOIN organizations o ON o.id = w.organization_id
          LEFT JOIN LATERAL (
              SELECT id FROM person_phones ph
               WHERE ph.person_id = w.person_id AND NOT ph.do_not_contact
                 AND ph.call_status IS NULL
               ORDER BY ph.is_primary DESC, ph.id LIMIT 1
          ) phone ON true
    """)
    op.execute("""
        UPDATE call_lists c SET people_count = s.people, zones = s.zones
          FROM (SELECT call_list_id, count(*) AS people,
                       array_agg(DISTINCT z)::varchar[] AS zones
                  FROM call_list_people, unnest(zones) z GROUP BY call_list_id) s
         WHERE s.call_list_id = c.id;
        UPDATE follow_up_rules f
           SET action_params = jsonb_build_object('call_list_id', r.id)
          FROM rule_lists r
         WHERE f.action = 'add_to_call_list' AND f.organization_id = r.organization_id
           AND f.action_params->>'list' = r.name;
    """)
    op.drop_index(op.f("ix_call_list_entries_person_id"), table_name="call_list_entries")
    op.drop_table("call_list_entries")


def downgrade():
    op.create_table(
        "call_list_entries",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("list_name", sa.String(length=80), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("rule_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "added_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_call_list_entries_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_call_list_entries_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["follow_up_rules.id"],
            name=op.f("fk_call_list_entries_rule_id_follow_up_rules"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_list_entries")),
        sa.UniqueConstraint(
            "organization_id",
            "list_name",
            "person_id",
            name=op.f("uq_call_list_entries_organization_id"),
        ),
    )
    op.create_index(
        op.f("ix_call_list_entries_person_id"), "call_list_entries", ["person_id"], unique=False
    )
    op.execute("""
        UPDATE follow_up_rules f
           SET action_params = jsonb_build_object('list', left(c.name, 80))
          FROM call_lists c
         WHERE f.action = 'add_to_call_list'
           AND c.id = (f.action_params->>'call_list_id')::bigint
    """)
