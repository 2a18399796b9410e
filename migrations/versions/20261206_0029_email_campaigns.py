"""Consent, one place (consent_records: append-only history; consent_states: the latest per
person, channel and purpose); email campaigns, templates, recipients and engagement events

Revision ID: 0029_email_campaigns
Revises: 0028_phone_banking
Create Date: 2026-12-05 23:40:00

The contact points' consent flags as they stand become each person's first decisions
(source ``before_history``), so the history starts where the flags are. The downgrade drops
the new tables; the flags stay as they are.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0029_email_campaigns"
down_revision = "0028_phone_banking"
branch_labels = None
depends_on = None


# History is never rewritten: an update may move a record to another person (a merge) and
# change nothing else; nothing is deleted.
APPEND_ONLY = """
CREATE FUNCTION consent_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'consent_records is append-only: delete refused';
    END IF;
    IF (NEW.id, NEW.organization_id, NEW.channel, NEW.purpose, NEW.granted, NEW.contact,
        NEW.source, NEW.words, NEW.user_id, NEW.detail, NEW.recorded_at)
       IS DISTINCT FROM
       (OLD.id, OLD.organization_id, OLD.channel, OLD.purpose, OLD.granted, OLD.contact,
        OLD.source, OLD.words, OLD.user_id, OLD.detail, OLD.recorded_at) THEN
        RAISE EXCEPTION 'consent_records is append-only: only a merge may move a record';
    END IF;
    RETURN NEW;
END $$
"""

PURPOSES = "(VALUES ('updates'), ('fundraising'), ('events'), ('volunteering')) AS p(purpose)"
# (channel, table, contact column, whether the channel is open)
_CHANNELS = (
    ("email", "person_emails", "address", "consent AND NOT do_not_contact"),
    ("sms", "person_phones", "number", "sms_consent AND NOT do_not_contact"),
    ("call", "person_phones", "number", "consent AND NOT do_not_contact"),
)
BACKFILL = (
    ";\n".join(
        f"""INSERT INTO consent_records (organization_id, person_id, channel, purpose, granted,
            contact, source, words, detail, recorded_at)
        SELECT c.organization_id, c.person_id, '{channel}', p.purpose, {is_open}, c.{column},
               'before_history', '', '{{}}'::jsonb, coalesce(c.consent_changed_at, now())
        FROM {table} c CROSS JOIN {PURPOSES}
        WHERE c.consent OR c.do_not_contact{" OR c.sms_consent" if channel == "sms" else ""}"""
        for channel, table, column, is_open in _CHANNELS
    )
    + """;
INSERT INTO consent_states (organization_id, person_id, channel, purpose, granted, record_id,
                            changed_at)
SELECT DISTINCT ON (person_id, channel, purpose) organization_id, person_id, channel, purpose,
       granted, id, recorded_at
FROM consent_records ORDER BY person_id, channel, purpose, granted DESC, recorded_at DESC, id DESC"""
)


# people.email_key: the hash of the address campaigns email (see app.people.models.Person),
# kept in step with person_emails by statement triggers (a bulk import is one update).
EMAIL_KEY = """
CREATE FUNCTION people_email_key_refresh(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    keys bigint[];
BEGIN
    SELECT array_agg(email_key) INTO keys FROM people WHERE id = ANY(ids) AND email_key IS NOT NULL;
    UPDATE people p SET email_key = chosen.key
    FROM (
        SELECT i.id, (
            SELECT ('x' || substr(md5(e.address), 1, 16))::bit(64)::bigint
            FROM person_emails e
            WHERE e.person_id = i.id AND e.consent AND NOT e.do_not_contact
            ORDER BY e.is_primary DESC, e.id
            LIMIT 1
        ) AS key
        FROM unnest(ids) AS i(id)
    ) chosen
    WHERE p.id = chosen.id AND p.email_key IS DISTINCT FROM chosen.key;
    -- Who shares a key, for the keys these people left and took.
    SELECT array_agg(DISTINCT k) INTO keys FROM (
        SELECT unnest(keys) UNION SELECT email_key FROM people WHERE id = ANY(ids)
    ) AS touched(k) WHERE k IS NOT NULL;
    UPDATE people SET email_shared = false
    WHERE id = ANY(ids) AND email_key IS NULL AND email_shared;
    IF keys IS NOT NULL THEN
        UPDATE people p SET email_shared = s.shared
        FROM (
            SELECT organization_id, email_key, count(*) > 1 AS shared
            FROM people WHERE email_key = ANY(keys)
            GROUP BY organization_id, email_key
        ) s
        WHERE p.email_key = s.email_key AND p.organization_id = s.organization_id
          AND p.email_shared IS DISTINCT FROM s.shared;
    END IF;
END $$;
CREATE FUNCTION person_emails_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM people_email_key_refresh(ARRAY(SELECT DISTINCT person_id FROM new_rows));
    RETURN NULL;
END $$;
CREATE FUNCTION person_emails_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM people_email_key_refresh(ARRAY(
        SELECT person_id FROM new_rows UNION SELECT person_id FROM old_rows));
    RETURN NULL;
END $$;
CREATE FUNCTION person_emails_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM people_email_key_refresh(ARRAY(SELECT DISTINCT person_id FROM old_rows));
    RETURN NULL;
END $$;
CREATE TRIGGER person_emails_key_insert AFTER INSERT ON person_emails
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION person_emails_inserted();
CREATE TRIGGER person_emails_key_update AFTER UPDATE ON person_emails
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION person_emails_updated();
CREATE TRIGGER person_emails_key_delete AFTER DELETE ON person_emails
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION person_emails_deleted();
UPDATE people p SET email_key = chosen.key
FROM (
    SELECT DISTINCT ON (person_id) person_id,
           ('x' || substr(md5(address), 1, 16))::bit(64)::bigint AS key
    FROM person_emails WHERE consent AND NOT do_not_contact
    ORDER BY person_id, is_primary DESC, id
) chosen
WHERE p.id = chosen.person_id;
UPDATE people p SET email_shared = true
FROM (
    SELECT organization_id, email_key FROM people WHERE email_key IS NOT NULL
    GROUP BY organization_id, email_key HAVING count(*) > 1
) s
WHERE p.organization_id = s.organization_id AND p.email_key = s.email_key
"""
EMAIL_KEY_DOWN = """
DROP TRIGGER person_emails_key_insert ON person_emails;
DROP TRIGGER person_emails_key_update ON person_emails;
DROP TRIGGER person_emails_key_delete ON person_emails;
DROP FUNCTION person_emails_inserted();
DROP FUNCTION person_emails_updated();
DROP FUNCTION person_emails_deleted();
DROP FUNCTION people_email_key_refresh(bigint[])
"""


def upgrade():
    op.add_column("people", sa.Column("email_key", sa.BigInteger(), nullable=True))
    op.add_column(
        "people",
        sa.Column("email_shared", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.create_index(
        "ix_people_email_key",
        "people",
        ["email_key"],
        unique=False,
        postgresql_where=sa.text("email_key IS NOT NULL"),
    )
    op.create_index(
        "ix_people_email_shared",
        "people",
        ["organization_id"],
        unique=False,
        postgresql_where=sa.text("email_shared"),
    )
    op.execute(EMAIL_KEY)
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "email_templates",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("preheader", sa.String(length=300), server_default="", nullable=False),
        sa.Column("html_body", sa.Text(), server_default="", nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
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
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_email_templates_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_templates")),
    )
    op.create_index(
        op.f("ix_email_templates_organization_id"),
        "email_templates",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "email_campaigns",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "updates",
                "fundraising",
                "events",
                "volunteering",
                name="consent_purpose",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "audience_kind",
            sa.Enum(
                "universe",
                "event",
                "volunteers",
                "team",
                name="audience_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("audience_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "scheduled",
                "sending",
                "paused",
                "cancelled",
                "sent",
                name="campaign_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("from_name", sa.String(length=120), nullable=False),
        sa.Column("from_address", sa.String(length=254), nullable=False),
        sa.Column("reply_to", sa.String(length=254), server_default="", nullable=False),
        sa.Column("one_per_address", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("consented_only", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.BigInteger(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("preheader", sa.String(length=300), server_default="", nullable=False),
        sa.Column("html_body", sa.Text(), server_default="", nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
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
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_email_campaigns_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_email_campaigns_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_campaigns")),
    )
    op.create_index(
        op.f("ix_email_campaigns_organization_id"),
        "email_campaigns",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "consent_records",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "email",
                "sms",
                "call",
                "mail",
                name="consent_channel",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "purpose",
            sa.Enum(
                "updates",
                "fundraising",
                "events",
                "volunteering",
                name="consent_purpose",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("contact", sa.String(length=254), server_default="", nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("words", sa.Text(), server_default="", nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "detail",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_consent_records_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_consent_records_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_consent_records_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
    )
    op.create_index(
        op.f("ix_consent_records_organization_id"),
        "consent_records",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        "ix_consent_records_person_id_recorded_at",
        "consent_records",
        ["person_id", "recorded_at"],
        unique=False,
    )
    op.create_table(
        "email_recipients",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("campaign_id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "claimed",
                "sent",
                "failed",
                "skipped",
                name="recipient_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("attempts", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("clicked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bounced", sa.String(length=10), nullable=True),
        sa.Column("complained_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["email_campaigns.id"],
            name=op.f("fk_email_recipients_campaign_id_email_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_email_recipients_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_email_recipients_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_recipients")),
        sa.UniqueConstraint(
            "campaign_id", "person_id", "address", name=op.f("uq_email_recipients_campaign_id")
        ),
    )
    op.create_index(
        "ix_email_recipients_address", "email_recipients", ["address", "sent_at"], unique=False
    )
    op.create_index(
        "ix_email_recipients_campaign_id_status",
        "email_recipients",
        ["campaign_id", "status", "id"],
        unique=False,
    )
    op.create_index(
        "ix_email_recipients_sent_at",
        "email_recipients",
        ["organization_id", "sent_at"],
        unique=False,
        postgresql_where=sa.text("sent_at IS NOT NULL"),
    )
    op.create_table(
        "consent_states",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "email",
                "sms",
                "call",
                "mail",
                name="consent_channel",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "purpose",
            sa.Enum(
                "updates",
                "fundraising",
                "events",
                "volunteering",
                name="consent_purpose",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_consent_states_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_consent_states_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["consent_records.id"],
            name=op.f("fk_consent_states_record_id_consent_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_states")),
        sa.UniqueConstraint(
            "person_id", "channel", "purpose", name=op.f("uq_consent_states_person_id")
        ),
    )
    op.create_table(
        "email_events",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("campaign_id", sa.BigInteger(), nullable=True),
        sa.Column("recipient_id", sa.BigInteger(), nullable=True),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "delivered",
                "bounced",
                "complained",
                "opened",
                "clicked",
                "unsubscribed",
                "replied",
                name="engagement_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("provider", sa.String(length=20), server_default="doorstep", nullable=False),
        sa.Column("provider_event_id", sa.String(length=200), nullable=True),
        sa.Column(
            "detail",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "occurred_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["email_campaigns.id"],
            name=op.f("fk_email_events_campaign_id_email_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_email_events_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["email_recipients.id"],
            name=op.f("fk_email_events_recipient_id_email_recipients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_events")),
        sa.UniqueConstraint("provider", "provider_event_id", name=op.f("uq_email_events_provider")),
    )
    op.create_index(
        "ix_email_events_campaign_id_kind", "email_events", ["campaign_id", "kind"], unique=False
    )
    op.create_index(
        op.f("ix_email_events_recipient_id"), "email_events", ["recipient_id"], unique=False
    )
    # ### end Alembic commands ###
    op.execute(APPEND_ONLY)
    op.execute(
        "CREATE TRIGGER consent_records_append_only BEFORE UPDATE OR DELETE ON consent_records "
        "FOR EACH ROW EXECUTE FUNCTION consent_records_append_only()"
    )
    op.execute(BACKFILL)  # a person with one open address of a channel is open to it


def downgrade():
    op.execute(EMAIL_KEY_DOWN)
    op.drop_index(
        "ix_people_email_shared", table_name="people", postgresql_where=sa.text("email_shared")
    )
    op.drop_index(
        "ix_people_email_key",
        table_name="people",
        postgresql_where=sa.text("email_key IS NOT NULL"),
    )
    op.drop_column("people", "email_shared")
    op.drop_column("people", "email_key")
    op.execute("DROP TRIGGER consent_records_append_only ON consent_records")
    op.execute("DROP FUNCTION consent_records_append_only()")
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_index(op.f("ix_email_events_recipient_id"), table_name="email_events")
    op.drop_index("ix_email_events_campaign_id_kind", table_name="email_events")
    op.drop_table("email_events")
    op.drop_table("consent_states")
    op.drop_index(
        "ix_email_recipients_sent_at",
        table_name="email_recipients",
        postgresql_where=sa.text("sent_at IS NOT NULL"),
    )
    op.drop_index("ix_email_recipients_campaign_id_status", table_name="email_recipients")
    op.drop_index("ix_email_recipients_address", table_name="email_recipients")
    op.drop_table("email_recipients")
    op.drop_index("ix_consent_records_person_id_recorded_at", table_name="consent_records")
    op.drop_index(op.f("ix_consent_records_organization_id"), table_name="consent_records")
    op.drop_table("consent_records")
    op.drop_index(op.f("ix_email_campaigns_organization_id"), table_name="email_campaigns")
    op.drop_table("email_campaigns")
    op.drop_index(op.f("ix_email_templates_organization_id"), table_name="email_templates")
    op.drop_table("email_templates")
    # ### end Alembic commands ###
