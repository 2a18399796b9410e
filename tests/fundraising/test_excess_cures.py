"""Excess contributions: the donor is asked to choose a cure, told of the cure made (with the
offer of a refund), by email or by letter; each excess says what was sent when, and which
are past their 60 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.core.actor import Actor
from app.core.tasks import PERIODIC_TASKS
from app.donations.corrections import reattribute_donation, redesignate_donation, refund_donation
from app.donations.models import EntryKind
from app.extensions import db
from app.fundraising.cures import cure_rows, run_excess_cures, send_excess_requests
from app.fundraising.letters import create_letter_batch, letter_rows, letters_pdf
from app.outreach.models import OutboundMessage
from app.people.models import Interaction
from tests.donations.conftest import gift
from tests.factories import auth_headers, create_user
from tests.fundraising.conftest import donor, today

PAID_FOR = "Paid for by Friends of Sam, J. Doe, Treasurer"


def _sent(org, kind):
    return db.session.scalars(
        select(OutboundMessage).where(
            OutboundMessage.organization_id == org.id, OutboundMessage.kind == f"donation.{kind}"
        )
    ).all()


def _cures(org, **args):
    return cure_rows(org.id, args, today())


def _over(actor, elections, person, **fields):
    """$4,000 to the primary today: $500 over the $3,500 limit, due in 60 days."""
    return gift(actor, elections["P"], 400_000, person=person, received_on=today(), **fields)


def test_the_worker_runs_the_task_every_hour():
    assert PERIODIC_TASKS["excess-cures"].every == timedelta(hours=1)


def test_the_donor_is_asked_to_choose_once_and_told_of_a_redesignation(org, actor, elections):
    ada = donor(org, "Ada", "Donor", email="ada@example.org")
    over = _over(actor, elections, ada)
    assert send_excess_requests(datetime.now(UTC), org.id) == {
        "emailed": 1, "letters": 0, "unreachable": 0,
    }  # fmt: skip
    assert send_excess_requests(datetime.now(UTC), org.id)["emailed"] == 0  # once per gift
    [request] = _sent(org, "excess_request")
    due = today() + timedelta(days=60)
    assert request.recipient == "ada@example.org"
    assert request.subject == "Friends of Sam: your contribution is over the legal limit"
    assert "come to $4,000.00, which is $500.00 over the limit" in request.body
    assert f"{due:%B} {due.day}, {due.year}, we will refund the $500.00" in request.body
    assert request.body.rstrip().endswith(PAID_FOR)
    [row] = _cures(org)["items"]
    assert (row.state, row.due_on) == ("open", due)

    redesignate_donation(actor, over, elections["G"], 50_000, today())

    [notice] = _sent(org, "redesignation_notice")
    assert "applied $500.00 of it to the General 2026 instead of the Primary 2026" in notice.body
    assert "If you would rather have the $500.00 refunded" in notice.body
    answer = _cures(org)
    [row] = answer["items"]
    assert row.state == "cured" and row.cured_on == today()
    assert [c.kind for c in row.corrections] == [EntryKind.REDESIGNATION]
    assert [(letter["kind"], letter["channel"]) for letter in row.letters] == [
        ("excess_request", "email"), ("redesignation_notice", "email"),
    ]  # fmt: skip
    assert all(letter["sent_at"] is not None for letter in row.letters)
    assert answer["counts"]["cured"] == 1
    summaries = set(
        db.session.scalars(select(Interaction.summary).where(Interaction.person_id == ada.id))
    )
    assert "Excess contribution: redesignation notice" in summaries


def test_a_reattribution_names_the_other_signer(org, actor, elections):
    ada = donor(org, "Ada", "Donor", email="ada@example.org")
    bo = donor(org, "Bo", "Donor")
    over = _over(actor, elections, ada)
    reattribute_donation(actor, over, bo, 50_000, today())
    [notice] = _sent(org, "reattribution_notice")
    assert notice.recipient == "ada@example.org"
    assert "attributed $500.00 of it to Bo Donor, who also holds the account" in notice.body
    # Bo is a contributor now and is told too: by letter (the gift's email is Ada's, not his);
    # the excess waits for his letter to be printed.
    [row] = _cures(org)["items"]
    assert row.state == "notice_due"
    assert [(x["kind"], x["channel"], x["sent_at"] is None) for x in row.letters] == [
        ("reattribution_notice", "email", False), ("reattribution_notice", "letter", True),
    ]  # fmt: skip
    [letter] = [row for row in letter_rows(create_letter_batch(actor)) if row["name"] == "Bo Donor"]
    words = letter["letter"].body
    assert "a contribution of $4,000.00 from Ada Donor, drawn on an account you also hold" in words
    assert "we have attributed $500.00 of it to you" in words
    assert "If you would rather have the $500.00 refunded" in words
    assert _cures(org)["items"][0].state == "cured"


def test_a_do_not_contact_donor_gets_the_notice_on_paper_and_it_counts_once_printed(
    org, actor, elections
):
    cy = donor(org, "Cy", "Paper", do_not_contact=True)
    over = _over(actor, elections, cy, email=None)
    redesignate_donation(actor, over, elections["G"], 50_000, today())
    assert _sent(org, "redesignation_notice") == []
    [row] = _cures(org)["items"]
    assert row.state == "notice_due"  # cured, but the letter has not gone
    assert [(letter["channel"], letter["sent_at"]) for letter in row.letters] == [("letter", None)]

    batch = create_letter_batch(actor)
    [letter] = letter_rows(batch)
    assert letter["address"] == ["12 Elm St", "Philadelphia, PA 19104"]
    assert "applied $500.00 of it to the General 2026" in letter["letter"].body
    assert letters_pdf([letter], ["Friends of Sam"], today()).startswith(b"%PDF")
    [row] = _cures(org)["items"]
    assert row.state == "cured"


def test_a_refund_is_confirmed_and_a_chargeback_is_not(org, actor, elections):
    ada = donor(org, "Ada", "Donor", email="ada@example.org")
    refund_donation(actor, _over(actor, elections, ada), 50_000, today())
    assert len(_sent(org, "refund_notice")) == 1
    bo = donor(org, "Bo", "Donor", email="bo@example.org")
    refund_donation(actor, _over(actor, elections, bo, email="bo@example.org"), 50_000, today(),
                    kind=EntryKind.CHARGEBACK)  # fmt: skip
    assert len(_sent(org, "refund_notice")) == 1
    within = gift(actor, elections["G"], 10_000, person=ada, received_on=today())
    refund_donation(actor, within, 1_000, today())  # no excess: no notice
    assert len(_sent(org, "refund_notice")) == 1


def test_an_excess_past_its_sixty_days_is_overdue(org, actor, elections, caplog):
    ada = donor(org, "Ada", "Donor", email="ada@example.org")
    gift(actor, elections["P"], 400_000, person=ada)  # March 1st: due April 30th
    [row] = _cures(org)["items"]
    assert row.state == "overdue"
    assert _cures(org, state="open")["total"] == 0
    assert _cures(org, state="overdue")["counts"]["overdue"] == 1
    assert run_excess_cures(datetime.now(UTC))["overdue"] >= 1


def test_the_list_is_finance_only_and_audited(client, org, actor, elections):
    ada = donor(org, "Ada", "Donor", email="ada@example.org", confidential=True)
    _over(actor, elections, ada)
    finance = auth_headers(create_user(org, Role.FINANCE))
    url = "/api/v1/fundraising/excess-cures"
    body = client.get(f"{url}?state=open", headers=finance).get_json()
    [item] = body["items"]
    assert item["state"] == "open" and item["flag"]["amount_cents"] == 50_000
    assert item["gift"]["donor"]["protected"] is True and item["gift"]["last_name"] is None
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "fundraising.excess_cures")
    )
    director = auth_headers(create_user(org, Role.DIRECTOR))
    assert client.get(url, headers=director).status_code == 403
    bad = client.get(f"{url}?state=late", headers=finance)
    assert bad.status_code == 422 and "state" in bad.get_json()["error"]["fields"]
    letters = client.get(f"/api/v1/fundraising/people/{ada.id}/letters", headers=finance)
    assert [i["kind"] for i in letters.get_json()["items"]] == ["thank_you", "thank_you"]
    assert client.get("/api/v1/fundraising/people/999999999/letters",
                      headers=finance).status_code == 404  # fmt: skip


def test_the_system_actor_is_enough_for_the_notices(org, elections):
    ada = donor(org, "Ada", "Donor", email="ada@example.org")
    system = Actor.system(org.id, "import")
    refund_donation(system, _over(system, elections, ada), 50_000, today())
    assert len(_sent(org, "refund_notice")) == 1
