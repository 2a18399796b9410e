"""Requests and commands that make the money rooms write their audit records, for the table in
test_audit_shapes.py (each driver takes its ``World``). The FEC and import commands are the
CLI's, run in the test's transaction as tests/donations runs them."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from app.cli import cli
from tests.factories import auth_headers

SAMPLE = Path(__file__).parents[1] / "donations" / "data" / "actblue_contributions.csv"
FEC = ["--from", "2026-01-01", "--to", "2026-03-31"]


def _admin(w, method: str, url: str, expect: int = 200, **kwargs):
    return w.call(method, url, expect, headers=auth_headers(w.admin), **kwargs)


def _committee(w) -> dict:
    """The committee the FEC report names, and the 2026 primary."""
    _admin(w, "PATCH", "/api/v1/donations/committee", json={
        "committee_id": "C00123456", "committee_name": "Friends of Ada", "street_1": "1 Main St",
        "city": "Philadelphia", "state": "PA", "zip": "19104",
        "treasurer_first_name": "Terry", "treasurer_last_name": "Treasurer"})  # fmt: skip
    return _admin(w, "POST", "/api/v1/donations/elections", 201,
                  json={"kind": "P", "held_on": "2026-05-19"})  # fmt: skip


def _gift(w, election: dict, amount_cents: int = 30_000, **fields) -> dict:
    body = {"amount_cents": amount_cents, "election_id": election["id"], "method": "check",
            "check_number": "7", "received_on": "2026-03-02", "first_name": "Ada",
            "last_name": "Byron", "street_1": "1 Elm St", "city": "Philadelphia", "state": "PA",
            "zip": "19104", "employer": "Acme", "occupation": "Engineer", **fields}  # fmt: skip
    return _admin(w, "POST", "/api/v1/donations", 201, json=body)


def _run(w, *args: str) -> None:
    result = w.client.application.test_cli_runner().invoke(cli, [*args, "--org", w.org.slug])
    assert result.exit_code == 0, result.output


def _fec_report(w) -> Path:
    _gift(w, _committee(w))
    out = Path(tempfile.mkdtemp()) / "q1.fec"
    _run(w, "fec", "report", *FEC, "--committee-id", "C00123456", "--out", str(out))
    return out


def _pledge(w, amount_cents: int = 10_000) -> dict:
    person = w.person()
    made = _admin(w, "POST", "/api/v1/fundraising/calls", 201, json={
        "person_id": person.id, "result": "pledged",
        "pledge": {"amount_cents": amount_cents}})  # fmt: skip
    return {"person": person, **made["pledge"]}


def _pledge_settle(w) -> None:
    election = _committee(w)
    pledge = _pledge(w)
    _gift(w, election, 10_000, person_id=pledge["person"].id, received_on=date.today().isoformat())


def _goal(w) -> dict:
    return _admin(w, "POST", "/api/v1/fundraising/goals", 201, json={
        "name": "Q1", "starts_on": "2026-01-01", "ends_on": "2026-03-31",
        "amount_cents": 1_000_000})  # fmt: skip


def _letters(w) -> dict:
    _gift(w, _committee(w), received_on=date.today().isoformat())  # thanked by letter too
    return _admin(w, "POST", "/api/v1/fundraising/letter-batches", 201)


def _excess_cures(w) -> None:
    _gift(w, _committee(w), 400_000)
    _admin(w, "GET", "/api/v1/fundraising/excess-cures")


MONEY_DRIVERS = {
    "donations.import": lambda w: (
        _admin(w, "POST", "/api/v1/donations/elections", 201,
               json={"kind": "P", "held_on": "2026-05-19"}),
        _run(w, "import", "donations", str(SAMPLE), "--format", "actblue")),
    "fec_report.write": _fec_report,
    "fec_report.file": lambda w: _run(w, "fec", "filed", str(_fec_report(w)), "--fec-id",
                                      "FEC-1234567"),
    "fec.export": lambda w: (_gift(w, _committee(w)), _run(
        w, "fec", "export", "--format", "csv", *FEC, "--out", tempfile.mkdtemp())),
    "processor_webhook.set": lambda w: _admin(
        w, "PUT", "/api/v1/donations/webhooks/actblue", json={"username": "actblue-ada"}),
    "fundraising_settings.update": lambda w: _admin(
        w, "PATCH", "/api/v1/fundraising/settings", json={"ask_raise_percent": 40}),
    "fundraising_goal.create": _goal,
    "fundraising_goal.update": lambda w: _admin(
        w, "PATCH", f"/api/v1/fundraising/goals/{_goal(w)['id']}", json={"name": "Spring"}),
    "fundraising_goal.delete": lambda w: _admin(
        w, "DELETE", f"/api/v1/fundraising/goals/{_goal(w)['id']}", 204),
    "pledge.create": _pledge,
    "pledge.update": lambda w: _admin(
        w, "PATCH", f"/api/v1/fundraising/pledges/{_pledge(w)['id']}", json={"note": "May"}),
    "pledge.settle": _pledge_settle,
    "fundraising.pledges": lambda w: (_pledge(w), _admin(w, "GET", "/api/v1/fundraising/pledges")),
    "fundraising.call_sheet": lambda w: _admin(
        w, "POST", "/api/v1/fundraising/call-sheets", json={"filter": {}}),
    "fundraising.call_sheet_pdf": lambda w: _admin(
        w, "POST", "/api/v1/fundraising/call-sheets/pdf", json={"filter": {}}),
    "fundraising.event_donor_levels": lambda w: _admin(
        w, "GET", f"/api/v1/fundraising/events/{w.event()['id']}/donor-levels"),
    "letter_batch.create": _letters,
    "fundraising.letters": lambda w: _admin(
        w, "GET", f"/api/v1/fundraising/letter-batches/{_letters(w)['id']}/pdf"),
    "fundraising.excess_cures": _excess_cures,
}  # fmt: skip
