"""The volunteers and outreach panels against plain SQL over sign-ups, check-ins, email
recipients and text conversations; the people behind a number (listed and audited, saved as
a universe, refused to a role that may not see them); CSV downloads; ETags."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.events.models import CheckIn, CheckInMethod, Event, EventKind, Shift, Signup
from app.extensions import db
from app.mailings.models import AudienceKind, CampaignRecipient, EmailCampaign
from app.people.models import ConsentPurpose, Person
from app.texting.models import Conversation, Direction, TextCampaign, TextMessage
from app.volunteers.profiles import new_profile
from tests.factories import auth_headers, create_user

START = datetime(2026, 3, 2, 15, tzinfo=UTC)  # a Monday, 10 am in New York
SCOPE = "from=2026-03-01&to=2026-03-31"


def _raw(sql: str, org: int) -> tuple:
    return tuple(db.session.execute(sa.text(sql), {"org": org}).one())


def _world(org, town):
    """Three shifts over three weeks; five volunteers; one email and one text campaign."""
    people = town.person_ids[:5]
    organizer = create_user(org, Role.ORGANIZER, name="Olga Organiser")
    for pid in people[:3]:
        profile = new_profile(db.session.get(Person, pid), source="organizer")
        profile.organizer_user_id = organizer.id
        profile.created_at = START  # joined in March
    event = Event(organization_id=org.id, code=secrets.token_hex(4), name="Launch",
                  kind=EventKind.CANVASS_LAUNCH, time_zone="America/New_York")  # fmt: skip
    db.session.add(event)
    db.session.flush()
    statuses = [
        ["completed", "completed", "no_show", "registered"],  # week 1
        ["completed", "cancelled", "completed", "no_show"],  # week 2: 0 comes back
        ["no_show", "completed", "completed", "completed", "completed"],  # week 4
    ]
    for week, row in zip((0, 1, 3), statuses, strict=True):
        shift = Shift(organization_id=org.id, event_id=event.id, capacity=5,
                      starts_at=START + timedelta(weeks=week),
                      ends_at=START + timedelta(weeks=week, hours=3))  # fmt: skip
        db.session.add(shift)
        db.session.flush()
        for pid, status in zip(people, row, strict=False):
            signup = Signup(organization_id=org.id, shift_id=shift.id, person_id=pid,
                            status=status, token=secrets.token_urlsafe(16),
                            checkin_code=secrets.token_hex(5))  # fmt: skip
            db.session.add(signup)
            db.session.flush()
            if status == "completed" and pid == people[0]:
                db.session.add(CheckIn(
                    organization_id=org.id, signup_id=signup.id, shift_id=shift.id,
                    person_id=pid, method=CheckInMethod.SCAN, client_uuid=uuid.uuid4(),
                    checked_in_at=shift.starts_at,
                    checked_out_at=shift.starts_at + timedelta(minutes=90)))  # fmt: skip
    email = EmailCampaign(
        organization_id=org.id, name="March news", purpose=ConsentPurpose.UPDATES,
        audience_kind=AudienceKind.UNIVERSE, from_name="C", from_address="c@x.test",
        subject="Hi", text_body="Hi",
    )  # fmt: skip
    db.session.add(email)
    db.session.flush()
    for n, pid in enumerate(people):
        sent = START + timedelta(days=n)
        db.session.add(CampaignRecipient(
            organization_id=org.id, campaign_id=email.id, person_id=pid, address=f"p{n}@x.test",
            status="sent", sent_at=sent, delivered_at=sent if n < 4 else None,
            opened_at=sent if n < 3 else None, clicked_at=sent if n < 2 else None,
            unsubscribed_at=sent if n == 4 else None))  # fmt: skip
    texts = TextCampaign(organization_id=org.id, name="GOTV texts", kind="peer",
                         first_message="Hi", contact="c@x.test")  # fmt: skip
    db.session.add(texts)
    db.session.flush()
    for n, pid in enumerate(people):
        thread = Conversation(organization_id=org.id, campaign_id=texts.id, person_id=pid,
                              number=f"+1215555010{n}", first_sent_at=START + timedelta(days=8),
                              status="opted_out" if n == 0 else "messaged")  # fmt: skip
        db.session.add(thread)
        db.session.flush()
        if n < 2:
            db.session.add(TextMessage(organization_id=org.id, conversation_id=thread.id,
                                       direction=Direction.IN, body="yes"))  # fmt: skip
    db.session.flush()
    return organizer


def test_volunteer_and_outreach_figures_equal_plain_sql(client, org, town, headers):
    """Panels, CSV and the ETag's 304 (about 1 s)."""
    _world(org, town)
    panel = client.get(f"/api/v1/dashboards/volunteers?{SCOPE}", headers=headers).get_json()
    shift_rows = (
        "FROM signups s JOIN shifts sh ON sh.id = s.shift_id WHERE s.organization_id = :org"
    )
    filled, came, missed = _raw(
        "SELECT count(*) FILTER (WHERE s.status IN ('registered', 'confirmed', 'completed')), "
        "count(*) FILTER (WHERE s.status = 'completed'), count(*) FILTER (WHERE s.status = "
        f"'no_show') {shift_rows}",
        org.id,
    )
    total = panel["total"]
    assert (total["filled"], total["attended"], total["no_shows"]) == (filled, came, missed)
    assert total["no_show_rate"] == round(missed / (came + missed), 4)
    hours = _raw(
        "SELECT sum(extract(epoch FROM coalesce(c.checked_out_at - c.checked_in_at, "
        "sh.ends_at - sh.starts_at))) / 3600 "
        + shift_rows.replace("WHERE", "LEFT JOIN check_ins c ON c.signup_id = s.id WHERE")
        + " "
        "AND s.status = 'completed'",
        org.id,
    )[0]
    assert total["hours"] == round(float(hours), 2) == 3 * 8 - 3  # two 1.5 h check-outs
    weeks = [(w["week"], w["active"], w["new"], w["returning"]) for w in panel["by_week"]]
    assert weeks[:4] == [("2026-02-23", 0, 0, 0), ("2026-03-02", 2, 2, 0),
                         ("2026-03-09", 2, 1, 1), ("2026-03-16", 0, 0, 0)]  # fmt: skip
    assert weeks[4] == ("2026-03-23", 4, 2, 2)
    # First-timers: weeks 1 (2), 2 (1), 4 (2); back within 30 days: the week-1 pair and week 2's.
    assert panel["retention"] == {"first_timers": 5, "came_back": 3, "rate": 0.6}
    assert panel["top_recruiters"][0]["name"] == "Olga Organiser"
    assert panel["top_recruiters"][0]["recruited"] == 3
    per_day = db.session.execute(sa.text(
        "SELECT (sh.starts_at AT TIME ZONE o.time_zone)::date::text, "
        "count(*) FILTER (WHERE s.status = 'completed'), "
        "count(*) FILTER (WHERE s.status = 'no_show') "
        + shift_rows.replace("WHERE", "JOIN organizations o ON o.id = s.organization_id WHERE")
        + " GROUP BY 1 ORDER BY 1"), {"org": org.id}).all()  # fmt: skip
    shown_days = [(d["day"], d["attended"], d["no_shows"]) for d in panel["by_day"]]
    assert [d for d in shown_days if d[1] or d[2]] == [tuple(r) for r in per_day]
    assert len(shown_days) == 31

    outreach = client.get(f"/api/v1/dashboards/outreach?{SCOPE}", headers=headers).get_json()
    email = _raw(
        "SELECT count(*), count(delivered_at), count(opened_at), count(clicked_at), "
        "count(unsubscribed_at) FROM email_recipients WHERE organization_id = :org",
        org.id,
    )
    shown = outreach["email_campaigns"][0]
    assert (
        tuple(shown[k] for k in ("sent", "delivered", "opened", "clicked", "unsubscribed")) == email
    )
    texts = outreach["text_campaigns"][0]
    assert (texts["messaged"], texts["replied"], texts["opted_out"]) == (5, 2, 1)
    assert texts["delivered"] == 0  # none of these threads has a text the outbox sent
    assert texts["response_rate"] == 0.4
    assert outreach["total"]["opt_outs"] == 2
    emails_per_day = db.session.execute(sa.text(
        "SELECT (e.sent_at AT TIME ZONE o.time_zone)::date::text, count(*), count(delivered_at) "
        "FROM email_recipients e JOIN organizations o ON o.id = e.organization_id "
        "WHERE e.organization_id = :org GROUP BY 1 ORDER BY 1"), {"org": org.id}).all()  # fmt: skip
    assert [(d["day"], d["emails_sent"], d["emails_delivered"])
            for d in outreach["by_day"] if d["emails_sent"]] == [
        tuple(r) for r in emails_per_day]  # fmt: skip
    texted = [(d["day"], d["texts_sent"], d["texts_replied"]) for d in outreach["by_day"]
              if d["texts_sent"]]  # fmt: skip
    assert texted == [((START + timedelta(days=8)).date().isoformat(), 5, 2)]

    # CSV: one row per line of each table; the ETag answers an unchanged panel with a 304.
    csv = client.get(f"/api/v1/dashboards/outreach?{SCOPE}&format=csv", headers=headers)
    lines = csv.data.decode("utf-8-sig").splitlines()
    assert csv.mimetype == "text/csv" and lines[0].startswith("section,")
    assert any(line.startswith("email_campaigns,") and "March news" in line for line in lines)
    first = client.get(f"/api/v1/dashboards/volunteers?{SCOPE}", headers=headers)
    again = client.get(
        f"/api/v1/dashboards/volunteers?{SCOPE}",
        headers={**headers, "If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304 and again.data == b""


def test_the_people_behind_a_number(client, org, town, headers):
    organizer = _world(org, town)
    listed = client.get(
        f"/api/v1/dashboards/people?{SCOPE}&measure=no_shows", headers=headers
    ).get_json()
    no_shows = {
        r[0]
        for r in db.session.execute(
            sa.text(
                "SELECT DISTINCT person_id FROM signups WHERE status = 'no_show' "
                "AND organization_id = :org"
            ),
            {"org": org.id},
        )
    }
    assert {p["id"] for p in listed["items"]} == no_shows and listed["total"] == len(no_shows)
    audit = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "dashboard.people")
    ).all()
    assert audit and audit[-1].changes["rows"] == len(no_shows)

    saved = client.post(
        "/api/v1/dashboards/universes",
        json={"measure": "email_clicked", "name": "Clicked in March", "from": "2026-03-01",
              "to": "2026-03-31"},
        headers=auth_headers(organizer),
    )  # fmt: skip
    assert saved.status_code == 201, saved.get_json()
    universe_id = saved.get_json()["id"]
    assert saved.get_json()["people"] == 2
    count = client.post(f"/api/v1/universes/{universe_id}/count", headers=headers)
    if count.status_code == 405:
        count = client.get(f"/api/v1/universes/{universe_id}/count", headers=headers)
    assert count.get_json()["people"] == 2

    # An organiser sees no donor; finance sees no field panel; a canvasser no dashboard.
    denied = client.get(
        f"/api/v1/dashboards/people?{SCOPE}&measure=donors", headers=auth_headers(organizer)
    )
    assert denied.status_code == 403
    finance = auth_headers(create_user(org, Role.FINANCE))
    assert client.get("/api/v1/dashboards/field", headers=finance).status_code == 403
    assert client.get("/api/v1/dashboards/money", headers=finance).status_code == 200
    canvasser = auth_headers(create_user(org, Role.CANVASSER))
    assert client.get("/api/v1/dashboards/volunteers", headers=canvasser).status_code == 403
    bad = client.get("/api/v1/dashboards/field?from=2026-03-05&to=2026-03-01", headers=headers)
    assert bad.status_code == 422 and "from" in bad.get_json()["error"]["fields"]
    unknown = client.get(f"/api/v1/dashboards/people?{SCOPE}&measure=nope", headers=headers)
    assert unknown.status_code == 422
