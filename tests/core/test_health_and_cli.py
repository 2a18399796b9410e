"""Health reporting and the doorstep command."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import User
from app.cli import cli
from app.demo import DEMO_PASSWORD, DEMO_USERS


def test_healthz_reports_versions_and_migration_head(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["database"].startswith("PostgreSQL 15")
    assert body["postgis"].startswith("3.")
    assert body["migration"]["up_to_date"] is True
    assert body["migration"]["current"] == body["migration"]["head"]


def test_demo_command_is_idempotent_and_logins_work(runner, client, db_session):
    first = runner.invoke(cli, args=["demo"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.doorstep.test" in first.output
    second = runner.invoke(cli, args=["demo"])
    assert second.exit_code == 0, second.output
    link = first.output.split("Demo event sign-up page (public): ")[1].split()[0]
    assert link in second.output  # the same event, not a second one
    public = client.get("/api/v1/public/events/" + link.rsplit("/", 1)[1]).get_json()
    assert [s["role"] for s in public["shifts"]] == ["canvasser", "driver"]
    emails = [email for _, email, _ in DEMO_USERS]
    assert db_session.scalar(sa.select(sa.func.count()).where(User.email.in_(emails))) == 5
    tokens = {}
    for email in emails:
        response = client.post(
            "/api/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200
        tokens[email] = {"Authorization": f"Bearer {response.get_json()['access_token']}"}
    _the_demo_has_money(client, first.output, second.output, tokens["finance@demo.doorstep.test"])


def _the_demo_has_money(client, first: str, second: str, finance: dict) -> None:
    """Gifts on demo voters, made once: over limits, a missing occupation, cash over $100,
    ActBlue-earmarked gifts, a refund, one to review, a closed and an open batch."""
    money = first.split("  money: ")[1].splitlines()[0]
    assert money == second.split("  money: ")[1].splitlines()[0]  # the second run adds nothing
    assert int(money.split()[0]) >= 36
    flags = client.get("/api/v1/donations/flags?per_page=200", headers=finance).get_json()
    codes = {flag["code"] for flag in flags["items"]}
    assert {"excessive", "missing_employer", "cash_over_limit"} <= codes
    review = client.get("/api/v1/donations/review", headers=finance).get_json()
    assert review["total"] == 1 and review["items"][0]["candidates"]
    earmarked = client.get("/api/v1/donations?processor=actblue", headers=finance).get_json()
    assert earmarked["total"] >= 6 and earmarked["items"][0]["conduit_name"] == "ActBlue"
    refunds = client.get("/api/v1/donations?kind=refund", headers=finance).get_json()
    assert refunds["total"] == 1
    batches = client.get("/api/v1/donations/batches", headers=finance).get_json()["items"]
    assert sorted(bool(b["closed_at"]) for b in batches) == [False, True]


CREATE_ADMIN = "create-user --organization new-campaign --email x@example.org --name X --role admin"


def test_create_user_command_reports_bad_input(runner):
    result = runner.invoke(cli, args=[*CREATE_ADMIN.split(), "--password", "short"])
    assert result.exit_code != 0
    assert "password" in result.output
    ok = runner.invoke(cli, args=[*CREATE_ADMIN.split(), "--password", "long enough password"])
    assert ok.exit_code == 0, ok.output
    assert "created admin x@example.org in new-campaign" in ok.output
