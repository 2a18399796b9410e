"""North Carolina's vote history file (ncvhis): one row per voter per election, joined on ncid."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from app.core.reading import FileRefused, RowReject, check_file, read_rows
from app.extensions import db
from app.imports.dates import sql_date
from app.imports.layouts import NC_HISTORY_COLUMNS, NC_HISTORY_METHODS, election_kind
from app.imports.progress import JobProgress
from app.imports.staging import analyze, driver_connection, execute_script
from app.voters.search_columns import refresh_search_columns


@dataclass
class HistoryImportResult:
    rows_read: int = 0
    inserted: int = 0
    unchanged: int = 0
    rejected: int = 0
    summary: dict = field(default_factory=dict)


def import_nc_history(
    organization_id: int, job_id: int, path: Path, progress: JobProgress
) -> HistoryImportResult:
    header = check_file(path, encoding="latin-1", delimiter="\t", what="an ncvhis file")
    missing = [name for name in NC_HISTORY_COLUMNS if name not in header]
    if missing:
        raise FileRefused(
            "This file is not North Carolina's ncvhis layout: missing columns "
            f"{', '.join(missing)}.",
            fields={"layout": "nc"},
        )
    getter = operator.itemgetter(*[header.index(name) for name in NC_HISTORY_COLUMNS])
    db.session.execute(
        text(
            "CREATE TEMP TABLE history_stage (line_no integer, ncid text, election_lbl text,"
            " election_desc text, voting_method text, voted_party_cd text) ON COMMIT DROP"
        )
    )
    result = HistoryImportResult()
    rejects: list[RowReject] = []
    with (
        driver_connection()
        .cursor()
        .copy(
            "COPY history_stage (line_no, ncid, election_lbl, election_desc, voting_method,"
            " voted_party_cd) FROM STDIN"
        ) as copy
    ):
        for line_no, row in read_rows(
            path,
            encoding="latin-1",
            delimiter="\t",
            on_progress=lambda b, r: progress.update(bytes_read=b, rows_read=r),
        ):
            result.rows_read += 1
            if isinstance(row, RowReject):
                rejects.append(row)
            else:
                copy.write_row((line_no, *getter(row)))
    progress.update(phase="matching voters", rows_read=result.rows_read)
    analyze("history_stage")
    methods = ", ".join(
        f"('{code}', '{method.value}')" for code, method in NC_HISTORY_METHODS.items()
    )
    params = {"org": organization_id, "job": job_id}
    execute_script(
        f"""
            CREATE TEMP TABLE history_rows ON COMMIT DROP AS
            SELECT s.line_no, r.id AS registration_id, r.person_id,
                   {sql_date("s.election_lbl", "MM/DD/YYYY")} AS held_on,
                   upper(btrim(s.election_desc)) AS name, m.method,
                   nullif(upper(btrim(s.voted_party_cd)), '') AS ballot_party,
                   upper(btrim(s.voting_method)) AS raw_method, btrim(s.ncid) AS ncid,
                   s.election_lbl
            FROM history_stage s
            LEFT JOIN registrations r
              ON r.organization_id = :org AND r.state = 'NC' AND r.state_key = btrim(s.ncid)
            LEFT JOIN (VALUES {methods}) AS m(code, method)
              ON m.code = upper(btrim(s.voting_method));

            INSERT INTO import_rejects (job_id, line_no, "column", reason, value)
            SELECT :job, line_no, c.col, c.reason, left(c.val, 200)
            FROM history_rows h CROSS JOIN LATERAL (VALUES
                (h.registration_id IS NULL, 'ncid', 'no voter with this ncid on file', h.ncid),
                (h.held_on IS NULL, 'election_lbl', 'not a date in MM/DD/YYYY form',
                 h.election_lbl),
                (h.method IS NULL, 'voting_method', 'unknown voting method', h.raw_method)
            ) AS c(bad, col, reason, val)
            WHERE c.bad;

            DELETE FROM history_rows WHERE registration_id IS NULL OR held_on IS NULL
                OR method IS NULL;
            """,
        params,
    )
    elections = sorted(
        {
            (name, held_on)
            for name, held_on in db.session.execute(
                text("SELECT DISTINCT name, held_on FROM history_rows")
            )
        }
    )
    for name, held_on in elections:
        db.session.execute(
            text(
                "INSERT INTO elections (organization_id, name, held_on, kind)"
                " VALUES (:org, :name, :held_on, :kind) ON CONFLICT DO NOTHING"
            ),
            {**params, "name": name[:120], "held_on": held_on, "kind": election_kind(name)},
        )
    written = db.session.execute(
        text(
            """
            INSERT INTO votes AS v (organization_id, registration_id, election_id, method,
                                    ballot_party)
            SELECT DISTINCT ON (h.registration_id, e.id) :org, h.registration_id, e.id,
                   h.method, h.ballot_party
            FROM history_rows h JOIN elections e
              ON e.organization_id = :org AND e.name = left(h.name, 120) AND e.held_on = h.held_on
            ORDER BY h.registration_id, e.id, h.line_no
            ON CONFLICT (registration_id, election_id) DO UPDATE
              SET method = EXCLUDED.method, ballot_party = EXCLUDED.ballot_party
              WHERE (v.method, v.ballot_party) IS DISTINCT FROM
                    (EXCLUDED.method, EXCLUDED.ballot_party)
            """
        ),
        params,
    ).rowcount
    good = db.session.scalar(text("SELECT count(*) FROM history_rows"))
    result.rejected = len(rejects) + db.session.scalar(
        text("SELECT count(DISTINCT line_no) FROM import_rejects WHERE job_id = :job"), params
    )
    if rejects:
        with (
            driver_connection()
            .cursor()
            .copy(
                'COPY import_rejects (job_id, line_no, "column", reason, value) FROM STDIN'
            ) as copy
        ):
            for reject in rejects:
                copy.write_row((job_id, reject.line_no, reject.column, reject.reason, ""))
    result.inserted, result.unchanged = written, good - written
    analyze("history_rows", "votes")
    refresh_search_columns(organization_id, "SELECT DISTINCT person_id FROM history_rows")
    result.summary = {"elections": len(elections)}
    return result
