"""What the money benchmarks share: a migrated database with one campaign, its committee and
its 2026 elections, and donors and gifts made set-based (generate_series, never a Python loop).

Not a benchmark itself; ``bench/fec_report.py`` and ``bench/donation_limit_check.py`` import it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import flask_migrate
from benchlib import bench_database
from sqlalchemy import text

from app import create_app
from app.accounts.operations import create_organization
from app.audit.context import acting_as
from app.core.actor import Actor
from app.donations.committee import add_election, update_committee_settings
from app.extensions import db

COMMITTEE_ID = "C00123456"


@contextmanager
def money_database(name: str) -> Iterator[None]:
    """An app context on a freshly migrated bench database."""
    with bench_database(name) as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context(), acting_as("bench"):
            flask_migrate.upgrade()
            yield
            db.session.remove()
            db.engine.dispose()


def make_campaign(slug: str) -> tuple[Actor, dict[str, int]]:
    """A campaign with its committee settings and the 2026 primary and general."""
    organization = create_organization(slug.title(), slug)
    actor = Actor.system(organization.id, "bench")
    update_committee_settings(
        actor,
        {
            "committee_id": COMMITTEE_ID,
            "committee_name": "Friends of Bench",
            "street_1": "1 Main St",
            "city": "Philadelphia",
            "state": "PA",
            "zip": "19104",
            "treasurer_first_name": "Terry",
            "treasurer_last_name": "Treasurer",
        },
    )
    elections = {
        kind: add_election(actor, {"kind": kind, "held_on": held_on}).id
        for kind, held_on in (("P", date(2026, 5, 19)), ("G", date(2026, 11, 3)))
    }
    db.session.commit()
    return actor, elections


def add_people(organization_id: int, count: int, tag: str) -> None:
    db.session.execute(
        text(
            """
            INSERT INTO people (organization_id, first_name, last_name, source)
            SELECT :org, 'Donor' || g, :tag, 'manual' FROM generate_series(1, :n) g
            """
        ),
        {"org": organization_id, "n": count, "tag": tag},
    )


_GIFTS = """
INSERT INTO donations (organization_id, kind, person_id, election_id, amount_cents,
                       received_on, method, processor, conduit_name, conduit_committee_id,
                       first_name, last_name, street_1, city, state, zip, employer, occupation)
SELECT :org, 'contribution', p.id, :election, :cents,
       CAST(:first_day AS date) + ((p.rn * 7 + g) % :days)::int,
       CASE WHEN p.rn % :earmark_every = 0 THEN 'card' ELSE 'check' END,
       CASE WHEN p.rn % :earmark_every = 0 THEN 'actblue' ELSE 'manual' END,
       CASE WHEN p.rn % :earmark_every = 0 THEN 'ActBlue' END,
       CASE WHEN p.rn % :earmark_every = 0 THEN 'C00401224' END,
       p.first_name, p.last_name, p.rn || ' Market St', 'Philadelphia', 'PA', '19104',
       'Acme Corp', 'Engineer'
FROM (SELECT id, first_name, last_name, row_number() OVER (ORDER BY id) AS rn
      FROM people WHERE organization_id = :org AND last_name = :tag) p
CROSS JOIN generate_series(1, :per_person) g
"""


def add_gifts(
    organization_id: int,
    tag: str,
    *,
    election_id: int,
    cents: int,
    first_day: date,
    days: int,
    per_person: int = 1,
    earmark_every: int = 10,
) -> None:
    """``per_person`` gifts of ``cents`` from each person tagged ``tag``, spread over ``days``
    from ``first_day``; every ``earmark_every``-th donor gives through ActBlue."""
    db.session.execute(
        text(_GIFTS),
        {
            "org": organization_id,
            "tag": tag,
            "election": election_id,
            "cents": cents,
            "first_day": first_day,
            "days": days,
            "per_person": per_person,
            "earmark_every": earmark_every,
        },
    )


def count_totals(organization_id: int) -> None:
    """donor_totals from the ledger in one statement (what refresh_totals does per person)."""
    db.session.execute(
        text(
            """
            INSERT INTO donor_totals (organization_id, person_id, election_id, cycle,
                                      amount_cents)
            SELECT d.organization_id, d.person_id, d.election_id, e.cycle, sum(d.amount_cents)
            FROM donations d JOIN candidate_elections e ON e.id = d.election_id
            WHERE d.organization_id = :org AND d.person_id IS NOT NULL
            GROUP BY d.organization_id, d.person_id, d.election_id, e.cycle
            ON CONFLICT (person_id, election_id) DO UPDATE SET amount_cents = excluded.amount_cents
            """
        ),
        {"org": organization_id},
    )


def analyze() -> None:
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE people, donations, donor_totals"))
