"""The printable summary: its figures, read back out of the PDF, equal the panels' JSON for the
same days and the days before, after knocks synced through the real API and gifts recorded
through the money's operations; each role's PDF holds only the panels the role may see."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from app.auth.permissions import Role
from app.core.actor import Actor
from app.dashboards.summary import cents, shown
from app.donations.committee import add_election
from app.donations.models import Method
from app.donations.operations import record_donation
from app.extensions import db
from app.people.models import Person
from tests.dashboards.conftest import knock, person_at, sync
from tests.dashboards.test_people_panels import _world
from tests.factories import auth_headers, create_user


def pdf_text(response) -> str:
    assert response.status_code == 200, response.get_json(silent=True)
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert 1 <= len(reader.pages) <= 3
    return "\n".join(page.extract_text() for page in reader.pages)


def row(text: str, label: str) -> list[str]:
    """The figures printed after ``label`` at the start of a line: now, before, change."""
    for line in text.splitlines():
        if line.startswith(label + " ") and not line[len(label) + 1 :][:1].isalpha():
            return line[len(label) :].split()
    raise AssertionError(f"no line {label!r} in:\n{text}")


def panel(client, headers, name: str, first: date, last: date) -> dict:
    response = client.get(f"/api/v1/dashboards/{name}?from={first}&to={last}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def today_here() -> date:
    return datetime.now(UTC).astimezone(ZoneInfo("America/New_York")).date()


def gifts(org, town, today: date) -> None:
    actor = Actor.system(org.id, "test")
    election = add_election(actor, {"kind": "P", "held_on": today + timedelta(days=200)})
    base = {"election_id": election.id, "method": Method.CARD, "processor": "actblue",
            "employer": "Acme", "occupation": "Nurse"}  # fmt: skip
    for n, (index, amount, ago) in enumerate(
        [(0, 2_500, 9), (0, 5_000, 1), (1, 10_000, 2), (-1, 1_234, 0)]
    ):
        person = db.session.get(Person, town.person_ids[index])
        fields = {**base, "amount_cents": amount, "received_on": today - timedelta(days=ago),
                  "processor_line_id": f"S{n}"}  # fmt: skip
        record_donation(actor, fields, person=person)
    db.session.commit()


def test_the_pdf_says_what_the_panels_say(client, headers, phone, walk_list, org, town):
    now = datetime.now(UTC)
    at = lambda hours: (now - timedelta(hours=hours)).isoformat()  # noqa: E731
    sync(
        client, phone,
        knock(walk_list, 0, client_at=at(30), people=[
            {"person_id": person_at(walk_list, 0), "result": "canvassed",
             "answers": {"support": "1"}}]),
        knock(walk_list, 1, client_at=at(5), people=[
            {"person_id": person_at(walk_list, 1), "result": "canvassed",
             "answers": {"support": "4"}}]),
        knock(walk_list, 2, client_at=at(4), result="not_home"),
    )  # fmt: skip
    last = today_here()
    first = last - timedelta(days=6)
    gifts(org, town, last)
    goal = {"doors": 500, "goal_on": (last + timedelta(days=30)).isoformat()}
    response = client.put("/api/v1/dashboards/field-goal", json=goal, headers=headers)
    assert response.status_code == 200

    text = pdf_text(
        client.get(f"/api/v1/dashboards/summary.pdf?from={first}&to={last}", headers=headers)
    )
    before = (first - timedelta(days=7), first - timedelta(days=1))
    field, field_before = (panel(client, headers, "field", *p) for p in ((first, last), before))
    assert field["total"]["doors"] == 3  # the knocks landed in the week summed up
    assert row(text, "Doors knocked")[:2] == [
        f"{field['total']['doors']:,}", f"{field_before['total']['doors']:,}"]  # fmt: skip
    assert row(text, "Contacts")[:2] == [
        str(field["total"]["contacts"]), str(field_before["total"]["contacts"])]  # fmt: skip
    assert row(text, "Contact rate")[0] == shown(field["total"]["contact_rate"], "rate")
    ids = sum(s["people"] for s in field["support"]["by_score"])
    assert row(text, "Support IDs")[0] == str(ids) == "2"
    pace = field["pace"]
    assert (f"{pace['doors']:,} of {pace['goal_doors']:,} doors by {pace['goal_on']}; "
            f"{pace['doors_to_go']:,} to go, {pace['needed_per_day']:,} a day") in text  # fmt: skip

    money, money_before = (panel(client, headers, "money", *p) for p in ((first, last), before))
    assert money["total"]["raised_cents"] == 16_234
    assert row(text, "Raised (net)")[:3] == [
        cents(money["total"]["raised_cents"]), cents(money_before["total"]["raised_cents"]),
        "+" + cents(money["total"]["raised_cents"] - money_before["total"]["raised_cents"]),
    ]  # fmt: skip
    assert row(text, "Gifts")[:2] == ["3", "1"]
    assert row(text, "Median gift")[0] == cents(money["total"]["median_gift_cents"])
    assert row(text, "New donors")[0] == str(money["total"]["new_donors"])

    vols = panel(client, headers, "volunteers", first, last)
    assert row(text, "Volunteers active")[0] == str(vols["total"]["volunteers"])
    reach = panel(client, headers, "outreach", first, last)
    assert row(text, "Emails sent")[0] == str(reach["total"]["email"]["sent"])

    # The day-by-day table: each day's doors as the panel has them, in the chart's order.
    doors_line = next(line for line in text.splitlines() if re.fullmatch(r"Doors( \d+)+", line))
    assert doors_line.split()[1:] == [str(d["doors"]) for d in field["by_day"]]
    assert "Doors per day" in text and "Raised per day" in text


def test_volunteers_and_outreach_in_the_pdf_are_the_panels(client, org, town, headers):
    """Week 2 of the March world (shifts, an email a day, texts) against week 1."""
    _world(org, town)
    first, last = date(2026, 3, 9), date(2026, 3, 15)
    before = (date(2026, 3, 2), date(2026, 3, 8))
    text = pdf_text(
        client.get(f"/api/v1/dashboards/summary.pdf?from={first}&to={last}", headers=headers)
    )
    vols, vols_before = (panel(client, headers, "volunteers", *p) for p in ((first, last), before))
    for label, key in (("Shifts", "shifts"), ("Attended", "attended"), ("No-shows", "no_shows"),
                       ("Seats filled", "filled")):  # fmt: skip
        assert row(text, label)[:2] == [str(vols["total"][key]), str(vols_before["total"][key])]
    assert row(text, "No-show rate")[:2] == [
        shown(vols["total"]["no_show_rate"], "rate"),
        shown(vols_before["total"]["no_show_rate"], "rate"),
    ]
    assert row(text, "Hours")[0] == shown(vols["total"]["hours"], "hours")
    firsts = (vols["retention"]["first_timers"], vols_before["retention"]["first_timers"])
    assert row(text, "New volunteers")[:2] == [str(n) for n in firsts]
    attended = next(line for line in text.splitlines() if re.fullmatch(r"Attended( \d+){7}", line))
    assert attended.split()[1:] == [str(d["attended"]) for d in vols["by_day"]]
    assert vols["total"]["attended"] == 2

    reach, reach_before = (panel(client, headers, "outreach", *p) for p in ((first, last), before))
    for measure in ("sent", "delivered", "opened", "clicked", "unsubscribed"):
        assert row(text, f"Emails {measure}")[:2] == [
            str(reach["total"]["email"][measure]),
            str(reach_before["total"]["email"][measure]),
        ]
    assert row(text, "Texts sent")[:2] == [str(reach["total"]["texts"]["messaged"]), "0"]
    assert row(text, "Text response rate")[0] == "40.0%"
    texts = next(line for line in text.splitlines() if re.fullmatch(r"Texts sent( \d+){7}", line))
    assert texts.split()[2:] == [str(d["texts_sent"]) for d in reach["by_day"]]
    assert "Attended per day" in text and "Emails sent per day" in text


@pytest.mark.parametrize(
    ("role", "sections"),
    [
        (Role.ORGANIZER, {"Field", "Volunteers and events", "Outreach"}),
        (Role.FINANCE, {"Money"}),
        (Role.ADMIN, {"Field", "Volunteers and events", "Money", "Outreach"}),
    ],
)
def test_each_role_reads_only_its_panels(client, org, role, sections):
    text = pdf_text(client.get("/api/v1/dashboards/summary.pdf",
                               headers=auth_headers(create_user(org, role))))  # fmt: skip
    titles = {"Field", "Volunteers and events", "Money", "Outreach"}
    assert {t for t in titles if re.search(rf"^{t}$", text, re.M)} == sections
    assert ("Raised (net)" in text) == ("Money" in sections)


def test_by_default_the_last_full_week_monday_to_sunday(client, org):
    today = today_here()
    last = today - timedelta(days=today.weekday() + 1)
    first = last - timedelta(days=6)
    response = client.get("/api/v1/dashboards/summary.pdf",
                          headers=auth_headers(create_user(org, Role.DIRECTOR)))  # fmt: skip
    text = pdf_text(response)
    assert f"{first:%a %d %b %Y} to {last:%a %d %b %Y}" in text
    assert f'filename="summary-{first}-to-{last}.pdf"' in response.headers["Content-Disposition"]
    assert "This week" in text and "Week before" in text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-03-10&to=2026-03-01", "from"),
        ("from=2026-01-01&to=2026-03-01", "from"),
        ("to=2026-13-01", "to"),
        ("area_id=0", "area_id"),
        ("nonsense=1", "nonsense"),
    ],
)
def test_bad_filters_are_a_422_naming_the_field(client, org, query, field):
    response = client.get(f"/api/v1/dashboards/summary.pdf?{query}",
                          headers=auth_headers(create_user(org, Role.DIRECTOR)))  # fmt: skip
    assert response.status_code == 422, response.data[:200]
    assert field in response.get_json()["error"]["fields"]


def test_a_canvasser_gets_no_summary(client, org):
    response = client.get("/api/v1/dashboards/summary.pdf",
                          headers=auth_headers(create_user(org, Role.CANVASSER)))  # fmt: skip
    assert response.status_code == 403


def test_a_month_for_an_admin_fits_in_three_pages(client, org):
    response = client.get("/api/v1/dashboards/summary.pdf?from=2026-03-01&to=2026-03-31",
                          headers=auth_headers(create_user(org, Role.ADMIN)))  # fmt: skip
    text = pdf_text(response)  # 1-3 pages
    assert "summary of 31 days" in text and "This period" in text
    assert text.count("Sun 01 Mar") == 5  # the heading and each section's day table
