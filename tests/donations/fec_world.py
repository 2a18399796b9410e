"""A first quarter of 2026 for the FEC report tests: a donor of each kind the report treats
differently (crossing $200 by a cent, earmarked through ActBlue, refunded, charged back,
redesignated, reattributed, anonymous cash, a PAC, a gift voided, one before and one after
the period, one received at 23:30 on the last day in the campaign's zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.core.actor import Actor
from app.donations.committee import add_election, update_committee_settings
from app.donations.corrections import reattribute_donation, redesignate_donation, refund_donation
from app.donations.fec_ledger import Period, local_date
from app.donations.models import EntityType, EntryKind, Method
from app.donations.operations import void_donation
from tests.donations.conftest import gift
from tests.factories import create_organization, create_person

COMMITTEE = "C00123456"
Q1 = Period(date(2026, 1, 1), date(2026, 3, 31))
ZONE = "America/Los_Angeles"
ACTBLUE = {
    "processor": "actblue",
    "conduit_name": "ActBlue",
    "conduit_committee_id": "C00401224",
    "method": Method.CARD,
}


def committee(actor: Actor) -> None:
    update_committee_settings(
        actor,
        {
            "committee_id": COMMITTEE,
            "committee_name": "Friends of Pat Example",
            "street_1": "1 Main St",
            "city": "Philadelphia",
            "state": "PA",
            "zip": "19104",
            "treasurer_first_name": "Terry",
            "treasurer_last_name": "Treasurer",
        },
    )


def donor(actor, election, cents, name, on, **fields):
    fields.setdefault("email", f"{name.lower()}@example.org")
    return gift(
        actor, election, cents, first_name=name, last_name="Giver", received_on=on, **fields
    )


def build_quarter() -> dict:
    """The quarter's story; returns the ids the tests look for."""
    organization = create_organization()
    organization.time_zone = ZONE
    actor = Actor.system(organization.id, "test")
    committee(actor)
    p = add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)})
    g = add_election(actor, {"kind": "G", "held_on": date(2026, 11, 3)})
    ids: dict = {"org": organization.id}
    # Before the period: counts towards the cycle (column B), not the quarter.
    ids["jack_before"] = donor(actor, p, 25_000, "Jack", date(2025, 12, 15)).id
    # Ada: $150 (not itemised), then $100 (aggregate $250: itemised).
    ids["ada_1"] = donor(actor, p, 15_000, "Ada", date(2026, 1, 10)).id
    ids["ada_2"] = donor(actor, p, 10_000, "Ada", date(2026, 2, 5)).id
    # Bob: exactly $200 (not itemised), then one cent ($200.01: itemised).
    ids["bob_1"] = donor(actor, p, 20_000, "Bob", date(2026, 1, 15)).id
    ids["bob_2"] = donor(actor, p, 1, "Bob", date(2026, 3, 1)).id
    # Cara: earmarked through ActBlue.
    ids["cara"] = donor(actor, p, 50_000, "Cara", date(2026, 3, 30), **ACTBLUE).id
    # Dan: $3,600 to the primary, $100 redesignated to the general.
    dan = donor(actor, p, 360_000, "Dan", date(2026, 2, 1))
    minus, plus = redesignate_donation(actor, dan, g, 10_000, date(2026, 2, 20))
    ids.update(dan=dan.id, dan_minus=minus.id, dan_plus=plus.id)
    # Eve: $300, refunded in full.
    eve = donor(actor, p, 30_000, "Eve", date(2026, 1, 20))
    refund, _ = refund_donation(actor, eve, 30_000, date(2026, 3, 10), reason="Asked back")
    ids.update(eve=eve.id, eve_refund=refund.id)
    # Gus: $3,700 by a joint check; $200 reattributed to Hal, the other signer.
    gus = donor(actor, p, 370_000, "Gus", date(2026, 2, 2))
    hal = create_person(organization, first_name="Hal", last_name="Giver")
    minus, plus = reattribute_donation(
        actor, gus, hal, 20_000, date(2026, 2, 25), {"street_1": "9 Oak St", "city": "Media"}
    )
    ids.update(gus=gus.id, gus_minus=minus.id, hal_plus=plus.id)
    # Mo: $300, charged back by the card's bank.
    mo = donor(actor, p, 30_000, "Mo", date(2026, 1, 5), method=Method.CARD)
    chargeback, _ = refund_donation(actor, mo, 30_000, date(2026, 3, 5), kind=EntryKind.CHARGEBACK)
    ids.update(mo=mo.id, mo_chargeback=chargeback.id)
    # Anonymous cash, $40.
    ids["anonymous"] = gift(
        actor,
        p,
        4_000,
        method=Method.CASH,
        first_name=None,
        last_name=None,
        email=None,
        street_1=None,
        received_on=date(2026, 2, 14),
    ).id
    # A PAC's check: itemised whatever its size.
    pac = create_person(organization, first_name="Friends", last_name="PAC")
    ids["pac"] = gift(
        actor,
        p,
        100_000,
        person=pac,
        entity_type=EntityType.PAC,
        organization_name="Friends of Good Government PAC",
        first_name=None,
        last_name=None,
        employer=None,
        occupation=None,
        received_on=date(2026, 3, 3),
    ).id
    # Kim's $500 was entered by mistake and voided.
    kim = donor(actor, p, 50_000, "Kim", date(2026, 2, 10))
    void_donation(actor, kim, "Entered twice")
    ids["kim_voided"] = kim.id
    # Lou gave at 23:30 on March 31 in Los Angeles (06:30 on April 1 in UTC): in the quarter.
    lou_on = local_date(datetime(2026, 4, 1, 6, 30, tzinfo=UTC), ZONE)
    ids["lou"] = donor(actor, p, 25_000, "Lou", lou_on).id
    # After the period: in neither column.
    ids["jack_after"] = donor(actor, p, 25_000, "Jack", date(2026, 4, 1)).id
    return ids
