"""The vote history of a voter file: its elections, and the votes of new and changed rows.

``upsert_elections`` maps each history position of the file to an election;
``unpack_votes`` turns the staged history cells into ``import_votes``; ``write_votes`` replaces
the votes of changed registrations and adds those of new ones (see app.imports.voters).
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import text

from app.core.reading import FileRefused
from app.extensions import db
from app.imports.layouts import VoterLayout, election_kind
from app.imports.staging import StagedFile


def upsert_elections(
    organization_id: int, layout: VoterLayout, staged: StagedFile, elections
) -> None:
    """Upsert the file's elections; import_elections maps history position -> election id."""
    rows = []
    for position, name in staged.history_columns:
        if layout.history.pair_count:
            entry = (elections or {}).get(name)
            if not entry:
                raise FileRefused(
                    f"The election map has no entry for {name}.", fields={"elections": name}
                )
            title, held_on = entry["description"], datetime.strptime(entry["date"], "%m/%d/%Y")
        else:
            kind, _, day = name.partition("-")
            title, held_on = f"{day[-4:]} {kind}", datetime.strptime(day, "%m/%d/%Y")
        rows.append(
            {
                "position": position,
                "name": title[:120],
                "held_on": held_on.date(),
                "kind": election_kind(title),
            }
        )
    db.session.execute(
        text(
            "CREATE TEMP TABLE import_elections (position integer, election_id integer)"
            " ON COMMIT DROP"
        )
    )
    if not rows:
        return
    db.session.execute(
        text(
            "INSERT INTO elections (organization_id, name, held_on, kind)"
            " SELECT :org, x->>'name', (x->>'held_on')::date, x->>'kind'"
            " FROM jsonb_array_elements(CAST(:rows AS jsonb)) x"
            " ON CONFLICT (organization_id, name, held_on) DO NOTHING"
        ),
        {"org": organization_id, "rows": json.dumps(rows, default=str)},
    )
    db.session.execute(
        text(
            "INSERT INTO import_elections SELECT (x->>'position')::int, e.id"
            " FROM jsonb_array_elements(CAST(:rows AS jsonb)) x JOIN elections e"
            " ON e.organization_id = :org AND e.name = x->>'name'"
            " AND e.held_on = (x->>'held_on')::date"
        ),
        {"org": organization_id, "rows": json.dumps(rows, default=str)},
    )


def unpack_votes(layout: VoterLayout, params: dict) -> None:
    """import_votes: the votes of new and changed rows, from their staged history cells."""
    spec = layout.history
    db.session.execute(
        text(
            "CREATE TEMP TABLE import_votes (registration_id bigint, election_id integer,"
            " method text, ballot_party text) ON COMMIT DROP"
        )
    )
    if spec is None:
        return
    methods = ", ".join(f"('{code}', '{method.value}')" for code, method in spec.methods.items())
    if spec.pair_count:
        method_cell, party_cell = "r.cells[2 * e.position - 1]", "r.cells[2 * e.position]"
    else:
        # Ohio: X (voted) or the primary ballot's party letter; the method is not recorded.
        method_cell = "CASE WHEN r.cells[e.position] <> '' THEN 'X' END"
        party_cell = "CASE WHEN r.cells[e.position] <> 'X' THEN r.cells[e.position] END"
    # The cells split once per row (a CTE kept apart), not once per row and election.
    db.session.execute(
        text(f"""
        WITH r AS MATERIALIZED (
            SELECT r.registration_id, string_to_array(s.history, E'\\x1f') AS cells
            FROM import_rows r JOIN import_stage s ON s.line_no = r.line_no
            WHERE (r.is_new OR r.is_changed) AND s.history <> ''
        )
        INSERT INTO import_votes
        SELECT r.registration_id, e.election_id, m.method, nullif({party_cell}, '')
        FROM r
        CROSS JOIN import_elections e
        JOIN (VALUES {methods}) AS m(code, method) ON m.code = {method_cell}
        """),
        params,
    )


def write_votes(params: dict, *, has_changes: bool) -> None:
    """Add the votes of new rows; a changed row first loses its votes in this file's elections.

    Only those: votes in elections that left a rolling window (Pennsylvania keeps the last 40)
    or that came from a separate history file (ncvhis) stay.
    """
    if has_changes:
        db.session.execute(
            text(
                "DELETE FROM votes v USING import_rows r"
                " WHERE r.is_changed AND v.registration_id = r.registration_id"
                " AND v.election_id IN (SELECT election_id FROM import_elections)"
            )
        )
    db.session.execute(
        text(
            "INSERT INTO votes (organization_id, registration_id, election_id, method,"
            " ballot_party)"
            " SELECT :org, registration_id, election_id, method, ballot_party FROM import_votes"
            " ORDER BY registration_id, election_id"  # appends to the primary key's right edge
        ),
        params,
    )
