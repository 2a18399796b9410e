"""The refunds of a staged file, set-based, as ``refund_donation`` records them one by one:
each is an entry of its own linked to the line item it gives back (matched on the
processor's line id), at most what remains of it, recorded once by the processor's refund id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from app.core.actor import Actor
from app.donations.corrections import _COPIED, settle_excess
from app.donations.income import REFUND_MEMO
from app.extensions import db


@dataclass
class StagedRefunds:
    organization_id: int
    loaded_lines: set[int] = field(default_factory=set)
    rejects: list[tuple[int, str, str, str]] = field(default_factory=list)
    people: set[int] = field(default_factory=set)

    def settle(self) -> None:
        """Excessive flags the refunds cured (after the totals are counted again): only the
        refunded donors with an excess standing can have one."""
        if not self.people:
            return
        over = db.session.scalars(
            text("""
            SELECT DISTINCT d.person_id FROM donation_flags f
            JOIN donations d ON d.id = f.donation_id
            WHERE d.organization_id = :org AND d.person_id = ANY(:ids)
              AND f.code = 'excessive' AND f.status IN ('open', 'confirmed')
            ORDER BY d.person_id
            """),
            {"org": self.organization_id, "ids": sorted(self.people)},
        ).all()
        for person_id in over:
            settle_excess(self.organization_id, person_id)


def record_staged_refunds(actor: Actor, *, job_id: int, column: str = "Refund ID") -> StagedRefunds:
    org = actor.organization_id
    done = StagedRefunds(org)
    rows = db.session.execute(
        text("""
        SELECT DISTINCT ON (s.refund_id) s.line_no, s.line_id, s.refund_id, s.refund_on,
               s.refund_cents, s.processor
        FROM donation_stage s
        WHERE s.refund_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM donations d WHERE d.organization_id = :org
                          AND d.processor = s.processor AND d.processor_line_id = s.refund_id)
        ORDER BY s.refund_id, s.line_no
        """),
        {"org": org},
    ).all()
    if not rows:
        return done
    rows.sort(key=lambda row: row.line_no)
    originals = {
        row.processor_line_id: row
        for row in db.session.execute(
            text("""
            SELECT d.id, d.processor_line_id, d.kind, d.amount_cents, d.voided_at, d.person_id,
                   d.amount_cents + coalesce((SELECT sum(c.amount_cents) FROM donations c
                       WHERE c.corrects_id = d.id AND c.voided_at IS NULL
                         AND c.amount_cents < 0), 0) AS remaining
            FROM donations d
            WHERE d.organization_id = :org AND d.processor = :processor
              AND d.processor_line_id = ANY(:lines)
            """),
            {"org": org, "processor": rows[0].processor, "lines": [r.line_id for r in rows]},
        )
    }
    left = {row.id: row.remaining for row in originals.values()}
    entries = []
    for row in rows:
        original = originals.get(row.line_id)
        problem = None
        if original is None:
            problem = "no such gift recorded to refund"
        elif original.kind != "contribution" or original.amount_cents <= 0:
            problem = "only a contribution can be refunded"
        elif original.voided_at is not None:
            problem = "the gift is voided"
        elif row.refund_cents > left[original.id]:
            problem = f"only {left[original.id]} cents of the gift remain"
        if problem:
            done.rejects.append(
                (row.line_no, column, problem, row.refund_id.removeprefix("refund-"))
            )
            continue
        left[original.id] -= row.refund_cents
        entries.append((row.line_no, original.id, row.refund_id, row.refund_on, row.refund_cents))
        done.loaded_lines.add(row.line_no)
        if original.person_id is not None:
            done.people.add(original.person_id)
    if not entries:
        return done
    db.session.execute(
        text("CREATE TEMP TABLE donation_refunds (line_no integer, donation_id bigint,"
             " refund_id text, refund_on date, cents bigint) ON COMMIT DROP")
    )  # fmt: skip
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor.copy("COPY donation_refunds FROM STDIN") as copy:
        for entry in entries:
            copy.write_row(entry)
    copied = ", ".join(_COPIED)
    from_original = ", ".join(f"d.{c}" for c in _COPIED)
    db.session.execute(
        text(f"""
        WITH made AS (
            INSERT INTO donations (organization_id, kind, person_id, election_id, amount_cents,
                   received_on, corrects_id, processor_line_id, entered_by_id, memo, {copied})
            SELECT d.organization_id, 'refund', d.person_id, d.election_id, -r.cents,
                   r.refund_on, d.id, r.refund_id, :user, :memo, {from_original}
            FROM donation_refunds r JOIN donations d ON d.id = r.donation_id
            ORDER BY r.line_no
            RETURNING id, person_id
        )
        INSERT INTO interactions (organization_id, person_id, kind, user_id, import_job_id,
                                  summary, data)
        SELECT :org, person_id, 'donation', :user, :job, 'Donation refund',
               jsonb_build_object('donation_id', id)
        FROM made WHERE person_id IS NOT NULL
        """),
        {"org": org, "user": actor.user_id, "job": job_id, "memo": REFUND_MEMO},
    )
    return done
