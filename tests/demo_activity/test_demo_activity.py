"""The demo campaign at work: its seeded weeks of knocks, shifts and events, read back the way
the screens read them and compared with the raw tables.

The world (the demo's voter file imported, then five weeks of activity) is built once for
the module: about 10 s on an idle machine (30-45 s on the shared 2 CPUs), most of it the
canvass sync of ~1,900 knocks."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.demo import (
    DEMO_PASSWORD,
    demo_organization_id,
    load_demo,
    load_demo_event,
    load_demo_money,
    load_demo_voters,
)
from app.demo_activity import DEMO_SEED, load_demo_activity
from app.demo_activity.field import WEEKS, list_plans, planned_batches
from app.demo_activity.money import load_demo_gifts
from app.events.models import Event
from app.events.queries import event_row
from app.extensions import db
from app.turfs.models import Turf, TurfStatus
from app.turfs.queries import turf_stats
from app.volunteers.models import VolunteerProfile
from app.volunteers.queries import volunteer_detail
from app.walklists.models import WalkList
from app.walklists.queries import progress
from tests.factories import auth_headers

RAW = {
    "knocks": "SELECT count(*) FROM door_knocks WHERE organization_id = :org",
    "interactions": "SELECT count(*) FROM interactions WHERE organization_id = :org",
    "signups": "SELECT count(*) FROM signups WHERE organization_id = :org",
    "check_ins": "SELECT count(*) FROM check_ins WHERE organization_id = :org",
    "profiles": "SELECT count(*) FROM volunteer_profiles WHERE organization_id = :org",
    "events": "SELECT count(*) FROM events WHERE organization_id = :org",
    "donations": "SELECT count(*) FROM donations WHERE organization_id = :org",
}


def raw_counts(org: int) -> dict[str, int]:
    return {name: db.session.scalar(sa.text(sql), {"org": org}) for name, sql in RAW.items()}


@pytest.fixture(scope="module")
def world(committed_world) -> dict:
    def build() -> dict:
        load_demo()
        org = demo_organization_id()
        for _ in load_demo_voters(org):
            db.session.commit()
        event = load_demo_event(org)
        today = datetime.now(ZoneInfo("America/New_York")).date()
        activity = load_demo_activity(org, password=DEMO_PASSWORD, upcoming=event, today=today)
        load_demo_money(org)  # the elections and the desk's gifts, as the demo makes them
        db.session.commit()
        gifts = load_demo_gifts(org, DEMO_SEED, today)
        return {"org": org, "today": today, "field": activity.field,
                "organising": activity.organising, "gifts": gifts}  # fmt: skip

    return committed_world(build)


def test_the_same_seed_plans_the_same_knocks_and_every_one_landed(world, db_session):
    org, today = world["org"], world["today"]
    start = today.fromordinal(today.toordinal() - 7 * WEEKS)
    stored = set(db_session.scalars(
        sa.select(sa.text("client_uuid::text")).select_from(sa.text("door_knocks"))
        .where(sa.text("organization_id = :org")).params(org=org)
    ))  # fmt: skip

    def plan(seed: int) -> list:
        plans = list_plans(org)
        users = sorted({p.user_id for p in plans})
        return planned_batches(org, plans, users, start, today, seed)

    first, again, other = plan(DEMO_SEED), plan(DEMO_SEED), plan(DEMO_SEED + 1)
    assert first == again
    planned = {r["uuid"] for _, records in first for r in records}
    assert planned == stored  # none rejected, none made besides the plan
    assert world["field"].knocks == len(stored) > 1_000
    assert world["field"].canvassers == 6 and world["field"].lists == 15
    assert {r["uuid"] for _, records in other for r in records} != planned
    assert all(len(records) <= 200 for _, records in first)  # the sync's largest batch


def test_a_turfs_and_a_lists_progress_are_their_knocks(world, db_session):
    org = world["org"]
    turf_ids = list(db_session.scalars(
        sa.select(Turf.id).where(Turf.organization_id == org, Turf.status == TurfStatus.ACTIVE)
    ))  # fmt: skip
    stats = turf_stats(org, turf_ids)
    raw = {
        turf_id: (knocked, contacted)
        for turf_id, knocked, contacted in db_session.execute(sa.text("""
            SELECT t.turf_id, count(DISTINCT k.household_id),
                   count(DISTINCT k.household_id) FILTER (WHERE k.is_contact)
            FROM turf_doors t JOIN door_knocks k ON k.address_id = t.address_id
            WHERE k.organization_id = :org AND k.status = 'applied' GROUP BY 1"""), {"org": org})
    }  # fmt: skip
    walked = [t for t in turf_ids if stats[t]["knocked"]]
    assert len(walked) == 15
    for turf_id in turf_ids:
        assert (stats[turf_id]["knocked"], stats[turf_id]["contacted"]) == raw.get(turf_id, (0, 0))
    lists = list(db_session.scalars(sa.select(WalkList).where(WalkList.organization_id == org)))
    shown = progress(lists)
    for walk_list in lists:
        knocked = db_session.scalar(
            sa.text(
                "SELECT count(DISTINCT household_id) FROM door_knocks WHERE walk_list_id = :id"
            ),
            {"id": walk_list.id},
        )
        assert shown[walk_list.id]["knocked"] == knocked > 0
    assert sorted({w.status.value for w in lists}) == ["active", "closed"]


def test_contact_rates_follow_the_hour(world, db_session):
    rates = dict(
        db_session.execute(
            sa.text("""
        SELECT CASE WHEN extract(isodow FROM at) >= 6 THEN 'weekend'
                    WHEN extract(hour FROM at) >= 17 THEN 'evening' ELSE 'weekday_day' END,
               avg(is_contact::int)
        FROM (SELECT occurred_at AT TIME ZONE 'America/New_York' AS at, is_contact
              FROM door_knocks WHERE organization_id = :org) k GROUP BY 1"""),
            {"org": world["org"]},
        ).all()
    )
    assert rates["weekday_day"] < 0.22 < rates["evening"]
    assert rates["weekday_day"] < rates["weekend"]


def test_the_organisers_screens_show_a_campaign_at_work(world, client, db_session):
    org = world["org"]
    organizer = db_session.scalar(sa.select(User).filter_by(email="organizer@demo.doorstep.test"))
    headers = auth_headers(organizer)
    upcoming = client.get("/api/v1/events?upcoming=true", headers=headers).get_json()
    past = client.get("/api/v1/events?upcoming=false", headers=headers).get_json()
    assert len(upcoming) >= 3 and all(e["counts"] for e in upcoming)
    over = [e for e in past if e["name"].startswith("Demo week")]
    assert len(over) >= 9
    for row in over:  # the screen's counts are the sign-ups' own
        event = db_session.get(Event, row["id"])
        raw = dict(db_session.execute(sa.text("""
            SELECT s.status, count(*) FROM signups s JOIN shifts h ON h.id = s.shift_id
            WHERE h.event_id = :id GROUP BY 1"""), {"id": event.id}).all())  # fmt: skip
        assert event_row(event)["counts"] == raw
    assert sum(e["counts"].get("no_show", 0) for e in over) == world["organising"].no_shows > 0
    volunteers = client.get("/api/v1/volunteers?per_page=100", headers=headers).get_json()
    assert volunteers["total"] == world["organising"].volunteers >= 30
    kai = db_session.scalar(sa.select(User).filter_by(email="kai@demo.doorstep.test"))
    profile = db_session.scalar(sa.select(VolunteerProfile).filter_by(user_id=kai.id))
    totals = volunteer_detail(profile)["totals"]
    doors, contacts = db_session.execute(sa.text(
        "SELECT count(*), count(*) FILTER (WHERE is_contact) FROM door_knocks WHERE user_id = :u"
    ), {"u": kai.id}).one()  # fmt: skip
    assert (totals["doors_knocked"], totals["contacts_made"]) == (doors, contacts) and doors > 0
    assert totals["shifts_attended"] > 0 and totals["hours"] > 0
    assert raw_counts(org)["check_ins"] == world["organising"].attended


def test_a_second_load_adds_nothing(world, db_session):
    org = world["org"]
    before = raw_counts(org)
    again = load_demo_activity(org, password=DEMO_PASSWORD, today=world["today"])
    gifts = load_demo_gifts(org, DEMO_SEED, world["today"])
    assert raw_counts(org) == before
    assert again.field == world["field"] and again.organising == world["organising"]
    assert gifts == world["gifts"]


def test_weeks_of_online_gifts_land_on_the_voters_who_gave(world, db_session, client):
    org, gifts = world["org"], world["gifts"]
    raw = db_session.execute(sa.text("""
        SELECT count(*), count(DISTINCT person_id), sum(amount_cents),
               count(*) FILTER (WHERE person_id IS NULL OR match_status <> 'matched'),
               count(DISTINCT received_on), min(received_on), max(received_on)
        FROM donations WHERE organization_id = :org AND processor_line_id LIKE 'DEMO-L%'"""),
        {"org": org}).one()  # fmt: skip
    assert (gifts.gifts, gifts.donors, gifts.cents) == tuple(raw[:3]) and gifts.gifts > 60
    assert raw[3] == 0  # every donor matched to a voter for certain: none to review
    assert raw[4] > 20 and raw[6] < world["today"]  # spread over the weeks, up to yesterday
    history = db_session.scalar(sa.text("""
        SELECT count(*) FROM interactions i JOIN donations d ON d.person_id = i.person_id
        WHERE i.organization_id = :org AND i.kind = 'donation' AND d.processor_line_id
        LIKE 'DEMO-L%' AND (i.data ->> 'donation_id')::bigint = d.id"""), {"org": org})  # fmt: skip
    assert history == gifts.gifts  # each gift in its donor's history
