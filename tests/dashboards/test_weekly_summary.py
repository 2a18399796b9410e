"""The weekly summary's schedule (admins and directors, only the campaign's staff, audited)
and the worker's task: once per week per recipient, each PDF for the recipient's own role,
delivered over real SMTP with the PDF attached."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.core.tasks import run_task
from app.dashboards.models import WeeklySummarySend
from app.dashboards.weekly import send_weekly_summaries
from app.extensions import db
from app.outreach.models import MessageStatus, OutboundMessage
from tests.accounts.test_invitations import smtp  # noqa: F401 - the real SMTP server fixture
from tests.factories import auth_headers, create_organization, create_user

URL = "/api/v1/dashboards/weekly-summary"
#: Monday 7 June 2027, 09:30 in Philadelphia (the campaign's zone): the summary of 31 May-6 June.
MONDAY = datetime(2027, 6, 7, 13, 30, tzinfo=UTC)


@pytest.fixture
def org(db_session):
    return create_organization("Friends of Ada")


@pytest.fixture
def team(org):
    return {role: create_user(org, role, name=f"Pat {role.value.title()}") for role in Role}


def put(client, user, **body):
    schedule = {"recipients": [], "weekday": "monday", "hour": 8, "enabled": True, **body}
    return client.put(URL, json=schedule, headers=auth_headers(user))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_schedule_is_set_read_back_and_audited(client, team):
    director = team[Role.DIRECTOR]
    got = client.get(URL, headers=auth_headers(director)).get_json()
    assert got["enabled"] is False and got["recipients"] == []
    assert got["time_zone"] == "America/New_York"
    assert {s["role"] for s in got["staff"]} == {"admin", "director", "organizer", "finance"}

    ids = [team[Role.ORGANIZER].id, team[Role.FINANCE].id, team[Role.ORGANIZER].id]
    response = put(client, director, recipients=ids, weekday="friday", hour=17)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["recipients"] == sorted(set(ids))
    again = client.get(URL, headers=auth_headers(team[Role.ADMIN])).get_json()
    assert (again["weekday"], again["hour"], again["enabled"]) == ("friday", 17, True)
    [audit] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "dashboard.weekly_summary")
    ).all()
    assert audit.changes["recipient_ids"] == sorted(set(ids))


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.FINANCE, Role.CANVASSER])
def test_only_admins_and_directors_set_it(client, team, role):
    assert client.get(URL, headers=auth_headers(team[role])).status_code == 403
    assert put(client, team[role]).status_code == 403


def test_recipients_are_the_campaign_staff_only(client, team, org):
    director = team[Role.DIRECTOR]
    other = create_user(create_organization("Elsewhere"), Role.ADMIN)
    gone = create_user(org, Role.ORGANIZER)
    gone.is_active = False
    db.session.flush()
    for bad in (team[Role.CANVASSER].id, other.id, gone.id, 2**31 - 1):
        response = put(client, director, recipients=[team[Role.ADMIN].id, bad])
        assert response.status_code == 422, bad
        error = response.get_json()["error"]
        assert "recipients" in error["fields"] and str(bad) in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"recipients": list(range(1, 52))}, "recipients"),
        ({"recipients": [0]}, "recipients"),
        ({"recipients": "1,2"}, "recipients"),
        ({"weekday": "someday"}, "weekday"),
        ({"hour": 24}, "hour"),
        ({"hour": -1}, "hour"),
        ({"enabled": "yes"}, "enabled"),
        ({"extra": 1}, "extra"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(client, team, body, field):
    response = put(client, team[Role.DIRECTOR], **body)
    assert response.status_code == 422
    assert any(name.split(".")[0] == field for name in response.get_json()["error"]["fields"])


def sends() -> list[tuple]:
    return db.session.execute(
        select(WeeklySummarySend.user_id, WeeklySummarySend.week_of, OutboundMessage.recipient)
        .join(OutboundMessage, OutboundMessage.id == WeeklySummarySend.message_id)
        .order_by(WeeklySummarySend.user_id)
    ).all()


def test_the_task_sends_once_per_week_each_for_its_role(client, team):
    chosen = [team[r] for r in (Role.ORGANIZER, Role.FINANCE, Role.DIRECTOR)]
    assert put(client, team[Role.ADMIN], recipients=[u.id for u in chosen], hour=9).status_code \
        == 200  # fmt: skip
    assert send_weekly_summaries(MONDAY - timedelta(hours=1)) == {"sent": 0}  # 08:30: not yet
    assert send_weekly_summaries(MONDAY) == {"sent": 3}
    assert send_weekly_summaries(MONDAY + timedelta(hours=2)) == {"sent": 0}  # a second run
    assert send_weekly_summaries(MONDAY + timedelta(days=3)) == {"sent": 0}  # later that week
    assert [(u, str(w), to) for u, w, to in sends()] == sorted(
        (u.id, "2027-05-31", u.email) for u in chosen
    )

    texts = {}
    for user in chosen:
        message = db.session.scalar(select(OutboundMessage).filter_by(recipient=user.email))
        [attachment] = message.attachments
        assert (attachment.filename, attachment.content_type) == (
            "summary-2027-05-31.pdf", "application/pdf")  # fmt: skip
        texts[user.role] = pdf_text(attachment.data)
    assert "Mon 31 May 2027 to Sun 06 Jun 2027" in texts[Role.ORGANIZER]
    assert "Doors knocked" in texts[Role.ORGANIZER] and "Raised" not in texts[Role.ORGANIZER]
    assert "Raised (net)" in texts[Role.FINANCE] and "Doors knocked" not in texts[Role.FINANCE]
    assert "Raised (net)" in texts[Role.DIRECTOR] and "Doors knocked" in texts[Role.DIRECTOR]

    # The next week: sent again, once; a recipient taken off or disabled gets nothing.
    put(client, team[Role.ADMIN], recipients=[chosen[0].id], hour=9)
    assert send_weekly_summaries(MONDAY + timedelta(days=7)) == {"sent": 1}
    put(client, team[Role.ADMIN], recipients=[chosen[0].id], hour=9, enabled=False)
    assert send_weekly_summaries(MONDAY + timedelta(days=14)) == {"sent": 0}
    audits = db.session.scalar(select(func.count()).where(
        AuditEvent.action == "dashboard.weekly_summary_sent"))  # fmt: skip
    assert audits == 4


def test_a_recipient_who_became_a_canvasser_gets_nothing(client, team):
    organizer = team[Role.ORGANIZER]
    put(client, team[Role.DIRECTOR], recipients=[organizer.id])
    organizer.role = Role.CANVASSER
    db.session.flush()
    assert send_weekly_summaries(MONDAY) == {"sent": 0}


def test_the_summary_arrives_over_smtp_with_its_pdf(client, team, smtp):  # noqa: F811
    finance = team[Role.FINANCE]
    put(client, team[Role.DIRECTOR], recipients=[finance.id])
    db.session.commit()
    assert run_task("weekly-summary", MONDAY) == {"sent": 1}  # commits, then delivers
    [email] = smtp.messages
    assert email["To"] == finance.email
    assert email["Subject"] == "Friends of Ada: weekly summary, 31 May to 06 Jun 2027"
    assert email.get_content_type() == "multipart/mixed"
    body, attachment = email.get_payload()
    assert "Hello Pat Finance" in body.get_payload(decode=True).decode()
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "summary-2027-05-31.pdf"
    data = attachment.get_payload(decode=True)
    assert data.startswith(b"%PDF")
    assert "Friends of Ada: weekly summary" in pdf_text(data)
    message = db.session.scalar(select(OutboundMessage).filter_by(recipient=finance.email))
    assert message.status == MessageStatus.SENT


def test_one_summary_that_fails_leaves_the_others_and_is_tried_again(client, team, monkeypatch):
    from app.dashboards import weekly

    chosen = [team[Role.ORGANIZER], team[Role.FINANCE]]
    put(client, team[Role.DIRECTOR], recipients=[u.id for u in chosen])
    real = weekly.render_summary

    def broken(summary):
        if "Raised (net)" in [row.label for s in summary.sections for row in s.rows]:
            raise RuntimeError("the font went missing")
        return real(summary)

    monkeypatch.setattr(weekly, "render_summary", broken)
    assert send_weekly_summaries(MONDAY) == {"sent": 1, "failed": 1}
    assert [u for u, _, _ in sends()] == [team[Role.ORGANIZER].id]
    monkeypatch.setattr(weekly, "render_summary", real)
    assert send_weekly_summaries(MONDAY + timedelta(minutes=5)) == {"sent": 1}
    assert sorted(u for u, _, _ in sends()) == sorted(u.id for u in chosen)
