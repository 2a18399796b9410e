"""Best efforts: an itemised donor with no employer or occupation is asked once, by email or by
letter, logged in their history and on donors.info_requested_at, by the worker's task."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.core.tasks import PERIODIC_TASKS
from app.donations.models import Donor, Method
from app.extensions import db
from app.fundraising.best_efforts import send_info_requests
from app.fundraising.letters import create_letter_batch, pending_letters
from app.outreach.models import OutboundMessage
from app.people.models import Interaction, InteractionKind
from tests.donations.conftest import gift
from tests.fundraising.conftest import donor, today

NO_WORK = {"employer": None, "occupation": None}


def _donor_row(person):
    return db.session.scalar(select(Donor).where(Donor.person_id == person.id))


def _requests(org):
    return db.session.scalars(
        select(OutboundMessage).where(
            OutboundMessage.organization_id == org.id,
            OutboundMessage.kind == "donation.info_request",
        )
    ).all()


def test_the_worker_runs_the_task_every_hour():
    assert PERIODIC_TASKS["best-efforts"].every.total_seconds() == 3600


def test_a_missing_employer_is_asked_for_once_by_email(org, actor, elections):
    ada = donor(org, "Ada", "Donor", email="ada@example.org")
    card = {"method": Method.CARD, "received_on": today(), **NO_WORK}
    gift(actor, elections["P"], 15_000, person=ada, **card)
    assert send_info_requests(datetime.now(UTC), org.id)["emailed"] == 0  # not itemised yet
    gift(actor, elections["P"], 10_000, person=ada, **card)  # $250: itemised
    now = datetime.now(UTC)

    assert send_info_requests(now, org.id) == {
        "emailed": 1,
        "letters": 0,
        "known": 0,
        "unreachable": 0,
        "late": 0,
    }
    [message] = _requests(org)
    assert message.recipient == "ada@example.org"
    assert "employer and occupation" in message.body
    assert "Paid for by Friends of Sam" in message.body
    assert _donor_row(ada).info_requested_at == now
    summaries = db.session.scalars(
        select(Interaction.summary).where(
            Interaction.person_id == ada.id, Interaction.kind == InteractionKind.EMAIL
        )
    ).all()
    assert "Best-efforts request: employer and occupation" in summaries
    assert send_info_requests(datetime.now(UTC), org.id)["emailed"] == 0  # asked already


def test_a_request_sent_after_its_due_day_is_counted_late(org, actor, elections):
    ada = donor(org, "Ada", "Donor", email="ada@example.org")
    gift(actor, elections["P"], 30_000, person=ada, **NO_WORK)  # March 1st: due March 31st
    assert send_info_requests(datetime.now(UTC), org.id)["late"] == 1


def test_a_donor_with_no_email_gets_a_letter_and_is_marked_when_it_prints(org, actor, elections):
    bo = donor(org, "Bo", "Paper")
    gift(actor, elections["P"], 30_000, person=bo, email=None, **NO_WORK)
    assert send_info_requests(datetime.now(UTC), org.id)["letters"] == 1
    assert pending_letters(org.id)["info_request"] == 1
    assert _donor_row(bo).info_requested_at is None
    assert send_info_requests(datetime.now(UTC), org.id)["letters"] == 0  # waiting to print

    printed_at = datetime.now(UTC)
    create_letter_batch(actor, now=printed_at)
    assert _donor_row(bo).info_requested_at == printed_at


def test_a_donor_who_gave_the_details_since_is_not_asked(org, actor, elections):
    cy = donor(org, "Cy", "Later", email="cy@example.org")
    gift(actor, elections["P"], 30_000, person=cy, received_on=today(), **NO_WORK)
    gift(actor, elections["P"], 1_000, person=cy, received_on=today())  # with employer
    assert send_info_requests(datetime.now(UTC), org.id)["known"] == 1
    assert _requests(org) == []
