"""The ``history`` filter (any channel's contacts and results) against plain SQL: a campaign
of people with a random history on every channel (some rows voided), and each filter's count
compared to the count a hand-written query gives."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from app.accounts.models import Organization, User
from app.auth.permissions import Role
from app.canvass.defaults import ensure_defaults
from app.extensions import db
from app.people.models import Interaction, InteractionKind
from tests.factories import (
    auth_headers,
    create_household,
    create_organization,
    create_person,
    create_user,
)

KINDS = [
    InteractionKind.DOOR_KNOCK,
    *[InteractionKind.CALL] * 3,
    InteractionKind.TEXT,
    InteractionKind.EMAIL,
    InteractionKind.MAIL,
    InteractionKind.EVENT_SIGNUP,
    InteractionKind.DONATION,
    InteractionKind.NOTE,
]
RESULTS = {
    InteractionKind.DOOR_KNOCK: ["not_home", "canvassed", "refused", "canvassed"],
    InteractionKind.CALL: ["no_answer", "no_answer", "left_message", "canvassed", "busy"],
    InteractionKind.TEXT: ["sent", "replied", "canvassed"],
    InteractionKind.EMAIL: ["sent", "opened", "replied"],
    InteractionKind.MAIL: ["mailed", "mailed", "visited", "responded"],
    InteractionKind.NOTE: [None, "canvassed"],
}

#: Who a universe may show at all, and who is not suppressed (the API's defaults).
POPULATION = """
    FROM people p WHERE p.organization_id = :org AND NOT p.confidential
    AND p.merged_into_id IS NULL AND NOT p.is_deceased AND NOT p.do_not_contact
    AND NOT p.has_moved
"""
REACHED = """(i.result IN (SELECT code FROM result_codes WHERE organization_id = :org
              AND is_contact) OR i.result IN ('replied', 'responded', 'visited'))"""
LIVE = "i.person_id = p.id AND i.voided_at IS NULL"
CHANNELS = (
    "('door_knock', 'call', 'text', 'email', 'mail', 'event_signup', "
    "'event_attendance', 'donation')"
)

CASES = [
    (
        "called, no answer twice",
        [{"channel": "phone", "results": ["no_answer"], "min": 2}],
        f"(SELECT count(*) FROM interactions i WHERE {LIVE} AND i.kind = 'call' "
        "AND i.result = 'no_answer') >= 2",
    ),
    (
        "mailed piece 3, never reached",
        [{"channel": "mail", "drop_id": 3}, {"channel": "any", "reached": True, "max": 0}],
        f"EXISTS (SELECT 1 FROM interactions i WHERE {LIVE} AND i.kind = 'mail' "
        "AND i.data->>'drop_id' = '3') AND NOT EXISTS (SELECT 1 FROM interactions i "
        f"WHERE {LIVE} AND i.kind IN {CHANNELS} AND {REACHED})",
    ),
    (
        "texted at most once in 30 days",
        [{"channel": "text", "within_days": 30, "max": 1}],
        f"(SELECT count(*) FROM interactions i WHERE {LIVE} AND i.kind = 'text' "
        "AND i.occurred_at > now() - interval '30 days') <= 1",
    ),
    (
        "knocked, reached at the door, two or three times",
        [{"channel": "door", "reached": True, "min": 2, "max": 3}],
        f"(SELECT count(*) FROM interactions i WHERE {LIVE} AND i.kind = 'door_knock' "
        f"AND {REACHED}) BETWEEN 2 AND 3",
    ),
    (
        "came to an event and gave",
        [{"channel": "event"}, {"channel": "donation"}],
        f"EXISTS (SELECT 1 FROM interactions i WHERE {LIVE} AND i.kind IN ('event_signup', "
        f"'event_attendance')) AND EXISTS (SELECT 1 FROM interactions i WHERE {LIVE} "
        "AND i.kind = 'donation')",
    ),
    (
        "never contacted on any channel",
        [{"channel": "any", "max": 0}],
        f"NOT EXISTS (SELECT 1 FROM interactions i WHERE {LIVE} AND i.kind IN {CHANNELS})",
    ),
]


def build_histories() -> tuple[int, int]:
    """120 people in 40 homes, up to nine random interactions each (a tenth voided), some
    suppressed. Returns (organization id, director id)."""
    org = create_organization()
    director = create_user(org, Role.DIRECTOR)
    ensure_defaults(org.id)
    rng = random.Random(18)
    now = datetime.now(UTC)
    homes = [create_household(org, house_number=str(n), street="ELM ST") for n in range(40)]
    rows = []
    for n in range(120):
        person = create_person(
            org,
            household=homes[n % 40],
            is_deceased=n % 17 == 0,
            confidential=n % 19 == 0,
            has_moved=n % 23 == 0,
        )
        for _ in range(rng.randrange(10)):
            kind = rng.choice(KINDS)
            data = {"drop_id": rng.choice([1, 2, 3])} if kind == InteractionKind.MAIL else {}
            rows.append(
                Interaction(
                    organization_id=org.id,
                    person_id=person.id,
                    kind=kind,
                    result=rng.choice(RESULTS.get(kind, [None])),
                    data=data,
                    occurred_at=now - timedelta(days=rng.randrange(90), hours=rng.randrange(24)),
                    voided_at=now if rng.random() < 0.1 else None,
                )
            )
    db.session.add_all(rows)
    db.session.flush()
    return org.id, director.id


@pytest.fixture(scope="module")
def histories(committed_world) -> tuple[int, int]:
    return committed_world(build_histories)


@pytest.fixture
def org(db_session, histories):
    return db.session.get(Organization, histories[0])


@pytest.fixture
def director(org, histories):
    return db.session.get(User, histories[1])


@pytest.mark.parametrize(("name", "history", "where"), CASES, ids=[c[0] for c in CASES])
def test_history_counts_match_plain_sql(org, histories, count, name, history, where):
    expected = db.session.execute(
        text(f"SELECT count(*) {POPULATION} AND {where}"), {"org": org.id}
    ).scalar_one()
    assert count({"history": history})["people"] == expected
    assert expected > 0, f"{name}: the random campaign should have some"


def test_calls_is_the_phone_channel_of_history(org, histories, matching):
    calls = matching({"calls": {"results": ["no_answer"], "min": 2}})
    assert calls == matching(
        {"history": [{"channel": "phone", "results": ["no_answer"], "min": 2}]}
    )


def test_bad_history_is_refused_by_name(client, director):
    for history, field in [
        ([{"channel": "fax"}], "channel"),
        ([{"channel": "phone", "drop_id": 3}], "drop_id"),
        ([{"channel": "mail", "min": 3, "max": 1}], "min"),
        ([], "history"),
    ]:
        response = client.post(
            "/api/v1/universes/count",
            json={"filter": {"history": history}},
            headers=auth_headers(director),
        )
        assert response.status_code == 422, response.get_json()
        assert field in str(response.get_json()["error"]["fields"])
