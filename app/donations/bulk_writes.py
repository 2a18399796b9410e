"""The writes of ``app.donations.bulk``: people, donations, flags, donor details, history."""

from __future__ import annotations

from sqlalchemy import text

from app.core.actor import Actor
from app.extensions import db

# The gift fields written as given (after line_id, amount, election, received_on).
WRITTEN = (
    "method", "processor", "processor_receipt_id", "recurring_series", "page",
    "reference_code", "conduit_name", "conduit_committee_id", "memo", "check_number",
    "country", "zip", "email", "phone", "prefix", "first_name", "middle_name", "last_name",
    "suffix", "street_1", "street_2", "city", "state", "employer", "occupation",
)  # fmt: skip
DONOR_FIELDS = ("employer", "occupation", "street_1", "street_2", "city", "state", "zip")
NEW = 1 << 52  # people made by an import are numbered from here until they get ids


def _copy(sql: str, rows) -> None:
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def write_people(org: int, new_people: list) -> dict[int, int]:
    """The people this import adds (as ``create_person`` makes a donor): temporary -> real id."""
    if not new_people:
        return {}
    real = db.session.scalars(
        text("SELECT nextval(pg_get_serial_sequence('people', 'id'))"
             " FROM generate_series(1, :n) ORDER BY 1"),
        {"n": len(new_people)},
    ).all()  # fmt: skip
    ids = {NEW + n: person_id for n, person_id in enumerate(real)}
    _copy(
        "COPY people (id, organization_id, source, first_name, middle_name, last_name,"
        " languages, tags, custom_fields) FROM STDIN",
        ((ids[NEW + n], org, "manual", row.first_name, row.middle_name, row.last_name,
          "{}", "{}", "{}") for n, row in enumerate(new_people)),
    )  # fmt: skip
    _copy(
        "COPY person_emails (organization_id, person_id, address, is_primary, source)"
        " FROM STDIN",
        ((org, ids[NEW + n], row.email_key, True, "manual")
         for n, row in enumerate(new_people) if row.email_key),
    )  # fmt: skip
    _copy(
        "COPY person_phones (organization_id, person_id, number, is_primary, source)"
        " FROM STDIN",
        ((org, ids[NEW + n], row.phone_key, True, "manual")
         for n, row in enumerate(new_people) if row.phone_key),
    )  # fmt: skip
    return ids


def write_donations(actor: Actor, outcomes, flags, details, ids, job_id: int) -> None:
    org = actor.organization_id
    db.session.execute(
        text("CREATE TEMP TABLE donation_outcome (line_no integer, person_id bigint,"
             " candidates bigint[], excess_cents bigint) ON COMMIT DROP")
    )  # fmt: skip
    _copy(
        "COPY donation_outcome FROM STDIN",
        ((line_no, ids.get(person, person) if person is not None else None,
          [ids.get(c, c) for c in candidates], excess)
         for line_no, person, candidates, excess in outcomes),
    )  # fmt: skip
    db.session.execute(text("ANALYZE donation_outcome"))
    copied = ", ".join(WRITTEN)
    # The new rows' ids, kept for the flags and the history (a join back to donations by
    # line id would meet a table whose statistics do not know them yet).
    db.session.execute(
        text("CREATE TEMP TABLE donation_made (id bigint, line_no integer, person_id bigint,"
             " received_on date, method text) ON COMMIT DROP")
    )  # fmt: skip
    db.session.execute(
        text(f"""
        WITH made AS (
        INSERT INTO donations (organization_id, kind, person_id, match_status,
               match_candidate_ids, election_id, amount_cents, received_on, processor_line_id,
               excess_cents, entered_by_id, entity_type, {copied})
        SELECT :org, 'contribution', o.person_id,
               CASE WHEN cardinality(o.candidates) > 0 THEN 'review' ELSE 'matched' END,
               o.candidates, n.election_id, n.amount_cents, n.received_on, n.line_id,
               o.excess_cents, :user, 'IND', {", ".join(f"n.{c}" for c in WRITTEN)}
        FROM donation_new n JOIN donation_outcome o USING (line_no)
        ORDER BY n.received_on, n.line_no
        ON CONFLICT (organization_id, processor, processor_line_id)
            WHERE processor_line_id IS NOT NULL DO NOTHING
        RETURNING id, processor_line_id, person_id, received_on, method
        )
        INSERT INTO donation_made
        SELECT m.id, n.line_no, m.person_id, m.received_on, m.method
        FROM made m JOIN donation_new n ON n.line_id = m.processor_line_id
        """),
        {"org": org, "user": actor.user_id},
    )
    db.session.execute(text("ANALYZE donation_made"))
    db.session.execute(
        text("CREATE TEMP TABLE donation_new_flags (line_no integer, code text,"
             " amount_cents bigint, due_on date) ON COMMIT DROP")
    )  # fmt: skip
    _copy("COPY donation_new_flags FROM STDIN", flags)
    db.session.execute(
        text("""
        INSERT INTO donation_flags (organization_id, donation_id, code, amount_cents, due_on)
        SELECT :org, m.id, f.code, f.amount_cents, f.due_on
        FROM donation_new_flags f JOIN donation_made m USING (line_no)
        """),
        {"org": org},
    )
    write_details(org, details, ids)
    db.session.execute(
        text("""
        INSERT INTO interactions (organization_id, person_id, kind, occurred_at, user_id,
                                  import_job_id, summary, data)
        SELECT :org, m.person_id, 'donation', m.received_on::timestamp AT TIME ZONE 'UTC',
               :user, :job, 'Donation (' || m.method || ')', jsonb_build_object('donation_id', m.id)
        FROM donation_made m WHERE m.person_id IS NOT NULL
        """),
        {"org": org, "user": actor.user_id, "job": job_id},
    )


def write_details(org: int, details: dict[int, dict[str, str]], ids: dict[int, int]) -> None:
    """The donors' FEC details follow their latest gift that gives them."""
    columns = ", ".join(DONOR_FIELDS)
    db.session.execute(
        text(f"CREATE TEMP TABLE donation_details (person_id bigint,"
             f" {', '.join(f'{c} text' for c in DONOR_FIELDS)}) ON COMMIT DROP")
    )  # fmt: skip
    _copy(
        f"COPY donation_details (person_id, {columns}) FROM STDIN",
        ((ids.get(person, person), *(given.get(c) for c in DONOR_FIELDS))
         for person, given in details.items()),
    )  # fmt: skip
    updates = ", ".join(f"{c} = coalesce(excluded.{c}, donors.{c})" for c in DONOR_FIELDS)
    db.session.execute(
        text(f"""
        INSERT INTO donors (organization_id, person_id, {columns})
        SELECT :org, person_id, {columns} FROM donation_details
        ON CONFLICT (organization_id, person_id) DO UPDATE SET {updates}, updated_at = now()
        """),
        {"org": org},
    )
