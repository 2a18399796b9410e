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
from app.dashboards.outreach import outreach_panel
from app.dashboards.scope import Scope
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
from app.demo_activity.texting import BANKS, DEMO_TEXTER, planned_replies
from app.events.models import Event
from app.events.queries import event_row
from app.extensions import db
from app.people.operations import campaign_zone
from app.texting.compliance import refusal
from app.texting.models import Conversation, TextCampaign
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
    "texts": "SELECT count(*) FROM text_messages WHERE organization_id = :org",
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
                "organising": activity.organising, "gifts": gifts,
                "texting": activity.texting}  # fmt: skip

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
    """A turf's touched homes are those knocked or texted (texts count as attempts, not as
    conversations at the door); its contacts are the doors that talked."""
    org = world["org"]
    turf_ids = list(db_session.scalars(
        sa.select(Turf.id).where(Turf.organization_id == org, Turf.status == TurfStatus.ACTIVE)
    ))  # fmt: skip
    stats = turf_stats(org, turf_ids)
    raw = {
        turf_id: (knocked, contacted, walked)
        for turf_id, knocked, contacted, walked in db_session.execute(sa.text("""
            SELECT t.turf_id, count(DISTINCT k.household_id),
                   count(DISTINCT k.household_id) FILTER (WHERE k.is_contact),
                   count(*) FILTER (WHERE k.knock)
            FROM turf_doors t JOIN (
                SELECT address_id, household_id, is_contact, true AS knock FROM door_knocks
                WHERE organization_id = :org AND status = 'applied'
                UNION ALL
                SELECT h.address_id, h.id, false, false FROM interactions i
                JOIN people p ON p.id = i.person_id JOIN households h ON h.id = p.household_id
                WHERE i.organization_id = :org AND i.kind = 'text') k
              ON k.address_id = t.address_id GROUP BY 1"""), {"org": org})
    }  # fmt: skip
    assert sum(1 for *_, walked in raw.values() if walked) == 15
    for turf_id in turf_ids:
        knocked, contacted, _ = raw.get(turf_id, (0, 0, 0))
        assert (stats[turf_id]["knocked"], stats[turf_id]["contacted"]) == (knocked, contacted)
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
    assert again.texting == world["texting"]
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


def test_the_outreach_panel_shows_the_text_banks(world, db_session, client):
    org, today, texting = world["org"], world["today"], world["texting"]
    panel = outreach_panel(Scope(org, today.fromordinal(today.toordinal() - 7 * WEEKS), today))
    texts = panel["total"]["texts"]
    assert texts["messaged"] == texting.messaged > 150 and texting.campaigns == 2
    assert 0.85 <= texts["delivered"] / texts["messaged"] <= 0.95
    delivered = db_session.scalar(sa.text("""
        SELECT count(DISTINCT m.conversation_id) FROM text_messages m
        JOIN outbound_messages o ON o.id = m.outbound_message_id
        WHERE m.organization_id = :org AND o.status = 'sent'"""), {"org": org})  # fmt: skip
    assert texts["delivered"] == delivered
    assert 0.08 <= texts["response_rate"] <= 0.15 and texts["replied"] == texting.replied
    assert 0.02 <= texts["opted_out"] / texts["messaged"] <= 0.04
    assert texts["opted_out"] == texting.opted_out
    assert [c["name"] for c in panel["text_campaigns"]] == [bank.name for bank in BANKS]
    assert all(c["messaged"] and c["replied"] and c["opted_out"] for c in panel["text_campaigns"])
    assert sum(1 for week in panel["by_week"] if week["texts"]["messaged"]) >= 3
    # The console's default month shows both campaigns too.
    month = outreach_panel(Scope(org, today.fromordinal(today.toordinal() - 29), today))
    assert month["total"]["texts"] == texts
    # Sent from 8am to 9pm in Philadelphia, up to yesterday.
    hours = db_session.execute(sa.text("""
        SELECT min(extract(hour FROM created_at AT TIME ZONE 'America/New_York')),
               max(extract(hour FROM created_at AT TIME ZONE 'America/New_York')),
               max(created_at AT TIME ZONE 'America/New_York')::date
        FROM text_messages WHERE organization_id = :org AND direction = 'out'
          AND user_id IS NOT NULL"""), {"org": org}).one()  # fmt: skip
    assert hours[0] >= 8 and hours[1] < 21 and hours[2] < today


def test_who_texted_stop_is_opted_out_everywhere(world, db_session):
    org = world["org"]
    stopped = db_session.execute(sa.select(Conversation.person_id, Conversation.number,
                                           Conversation.campaign_id, Conversation.last_message_at)
                                 .where(Conversation.organization_id == org,
                                        Conversation.status == "opted_out")).all()  # fmt: skip
    assert len(stopped) == world["texting"].opted_out
    for person_id, number, _, _ in stopped:
        assert refusal(person_id, number, consent_required=False) == "opted_out"
        granted, source, at = db_session.execute(sa.text("""
            SELECT granted, source, recorded_at FROM consent_records WHERE person_id = :p
              AND contact = :n AND channel = 'sms' ORDER BY recorded_at DESC, id DESC LIMIT 1"""),
            {"p": person_id, "n": number}).one()  # fmt: skip
        assert (granted, source) == (False, "sms_stop")
        later = db_session.scalar(sa.text("""
            SELECT count(*) FROM text_messages m JOIN text_conversations c
              ON c.id = m.conversation_id
            WHERE c.number = :n AND m.direction = 'out' AND m.created_at > :at"""),
            {"n": number, "at": at})  # fmt: skip
        assert later == 0  # nothing sent after the STOP, in any campaign
    _, second = (db_session.scalar(sa.select(TextCampaign.id).filter_by(
        organization_id=org, name=bank.name)) for bank in BANKS)  # fmt: skip
    in_both = db_session.scalars(sa.text("""
        SELECT id FROM people WHERE organization_id = :org
          AND tags @> ARRAY[:a, :b]::text[]"""), {"org": org, "a": BANKS[0].tag,
                                                  "b": BANKS[1].tag}).all()  # fmt: skip
    started = db_session.get(TextCampaign, second).started_at
    stopped_first = set(
        db_session.scalars(
            sa.text("""
        SELECT person_id FROM consent_records WHERE organization_id = :org
          AND source = 'sms_stop' AND recorded_at < :at"""),
            {"org": org, "at": started},
        )
    )
    left_out = stopped_first & set(in_both)
    assert left_out  # in the second campaign's universe, opted out in the first ...
    texted_second = set(
        db_session.scalars(
            sa.select(Conversation.person_id).where(Conversation.campaign_id == second)
        )
    )
    assert not left_out & texted_second  # ... and never in its conversations


def test_the_same_seed_draws_the_same_replies_and_a_texter_has_some_waiting(
    world, db_session, client
):
    org = world["org"]
    zone = campaign_zone(org)
    users = {u.id: u for u in db_session.scalars(sa.select(User).filter_by(organization_id=org))}
    for bank in BANKS:
        campaign = db_session.scalar(
            sa.select(TextCampaign).filter_by(organization_id=org, name=bank.name)
        )
        sent = [(c.first_sent_at, users[c.first_texter_id], c) for c in db_session.scalars(
            sa.select(Conversation).where(Conversation.campaign_id == campaign.id,
                                          Conversation.first_sent_at.is_not(None)))]  # fmt: skip
        planned = planned_replies(bank, sent, zone, DEMO_SEED)
        failed = set(
            db_session.scalars(
                sa.text("""
            SELECT o.recipient FROM outbound_messages o JOIN text_messages m
              ON m.outbound_message_id = o.id JOIN text_conversations c ON c.id = m.conversation_id
            WHERE c.campaign_id = :c AND o.status = 'failed'"""),
                {"c": campaign.id},
            )
        )
        assert planned.undelivered == failed and failed
        replied = set(db_session.scalars(sa.text("""
            SELECT DISTINCT c.number FROM text_messages m JOIN text_conversations c
              ON c.id = m.conversation_id WHERE c.campaign_id = :c AND m.direction = 'in'"""),
            {"c": campaign.id}))  # fmt: skip
        assert {e[4].number for e in planned.events if e[2] == "in"} == replied
        other = planned_replies(bank, sent, zone, DEMO_SEED + 1)
        assert other.undelivered != planned.undelivered
    texter = db_session.scalar(sa.select(User).filter_by(email=DEMO_TEXTER))
    page = client.get("/api/v1/texting/conversations?status=needs_response",
                      headers=auth_headers(texter)).get_json()  # fmt: skip
    assert page["total"] >= 2
    thread = client.get(f"/api/v1/texting/conversations/{page['items'][0]['id']}",
                        headers=auth_headers(texter))  # fmt: skip
    assert thread.status_code == 200
    assert [m["direction"] for m in thread.get_json()["messages"]][:2] == ["out", "in"]
