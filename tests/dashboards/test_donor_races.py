"""Two gifts of one donor landing at once, on two connections (two requests, or an ActBlue
import beside a webhook): the second's recount of the donor waits for the first and reads its
gift, so the donor counts stay exact. A database of the test's own (the gifts are committed)."""

from __future__ import annotations

import threading

import psycopg
import pytest

pytestmark = pytest.mark.concurrency


def test_two_gifts_of_one_donor_at_once_are_both_counted(make_database):
    url = make_database("doorstep_donor_races").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as setup:
        org = setup.execute("INSERT INTO organizations (name, slug) VALUES ('Race', 'race') "
                            "RETURNING id").fetchone()[0]  # fmt: skip
        person = setup.execute(
            "INSERT INTO people (organization_id, first_name, last_name) "
            "VALUES (%s, 'Ada', 'Giver') RETURNING id", (org,)).fetchone()[0]  # fmt: skip
        election = setup.execute(
            "INSERT INTO candidate_elections (organization_id, kind, code, name, held_on, cycle,"
            " limit_cents) VALUES (%s, 'P', 'P2026', 'Primary', '2026-05-19', 2026, 350000)"
            " RETURNING id", (org,)).fetchone()[0]  # fmt: skip
    gift = (
        "INSERT INTO donations (organization_id, kind, person_id, election_id, amount_cents,"
        " received_on, method, processor) VALUES (%s, 'contribution', %s, %s, %s, %s, 'card',"
        " 'actblue')"
    )
    first, second = psycopg.connect(url), psycopg.connect(url)
    try:
        first.execute(gift, (org, person, election, 2_500, "2026-03-02"))  # holds the donor
        started = threading.Event()

        def other() -> None:
            started.set()
            second.execute(gift, (org, person, election, 5_000, "2026-03-01"))
            second.commit()

        thread = threading.Thread(target=other)
        thread.start()
        started.wait()
        thread.join(timeout=1.0)
        assert thread.is_alive(), "the second gift's recount did not wait for the first"
        first.commit()
        thread.join(timeout=30)
        assert not thread.is_alive()
    finally:
        first.close()
        second.close()
    with psycopg.connect(url) as check:
        days = check.execute(
            "SELECT day::text, prev_day::text FROM dash_donor_days WHERE person_id = %s "
            "ORDER BY day", (person,)).fetchall()  # fmt: skip
        assert days == [("2026-03-01", "0001-01-01"), ("2026-03-02", "2026-03-01")]
        kept = check.execute(
            "SELECT area_id, day::text, prev_day::text, donors FROM dash_donor_counts "
            "WHERE organization_id = %s AND donors <> 0 ORDER BY day", (org,)
        ).fetchall()  # fmt: skip
        assert kept == [(0, "2026-03-01", "0001-01-01", 1), (0, "2026-03-02", "2026-03-01", 1)]
