"""The compliance table: each vector is a story of gifts and corrections from one donor (Ada;
Bob is the other signer of a joint account) and what the books must say after it, to the cent.

Expectations: ``P``/``G`` Ada's aggregate per election; ``cycle`` her cycle aggregate;
``itemized`` whether she is itemised; ``flags`` the flags standing (open or confirmed) per
gift, code -> cents; ``resolved`` the codes cured per gift; ``error`` the stable code of the
refusal the last step meets; ``bob`` Bob's primary aggregate.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.core.errors import DoorstepError
from app.donations.corrections import (
    reattribute_donation,
    record_joint_donation,
    redesignate_donation,
    refund_donation,
)
from app.donations.models import DonationFlag, EntityType, EntryKind, FlagStatus, Method
from app.donations.operations import committee_settings, limits_of, void_donation
from app.donations.rules import is_itemized
from app.donations.totals import cycle_total, standing_of
from app.extensions import db
from tests.donations.conftest import gift
from tests.factories import create_person

ON = date(2026, 3, 2)
NO_EMPLOYER = {"employer": None}
CASH = {"method": Method.CASH}
ANON = {"first_name": None, "last_name": None, "email": None, "street_1": None}
ACTBLUE = {"processor": "actblue", "conduit_name": "ActBlue", "conduit_committee_id": "C00401224",
           "method": Method.CARD}  # fmt: skip

VECTORS = [
    # Per-election limit
    ("limit-exact", [("give", "a", 350_000, "P")], {"P": 350_000, "flags": {}}),
    ("one-cent-over", [("give", "a", 350_001, "P")], {"flags": {"a": {"excessive": 1}}}),
    (
        "two-gifts-reach-limit",
        [("give", "a", 200_000, "P"), ("give", "b", 150_000, "P")],
        {"P": 350_000, "flags": {}},
    ),
    (
        "two-gifts-cent-over",
        [("give", "a", 200_000, "P"), ("give", "b", 150_001, "P")],
        {"flags": {"b": {"excessive": 1}}},
    ),
    (
        "over-then-more",
        [("give", "a", 350_001, "P"), ("give", "b", 1_000, "P")],
        {"flags": {"a": {"excessive": 1}, "b": {"excessive": 1_000}}},
    ),
    (
        "primary-and-general-apart",
        [("give", "a", 350_000, "P"), ("give", "b", 350_000, "G")],
        {"P": 350_000, "G": 350_000, "cycle": 700_000, "flags": {}},
    ),
    (
        "general-over-primary-not",
        [("give", "a", 100_000, "P"), ("give", "b", 350_001, "G")],
        {"flags": {"b": {"excessive": 1}}},
    ),
    (
        "in-kind-counts",
        [
            (
                "give",
                "a",
                350_001,
                "P",
                {"method": Method.IN_KIND, "in_kind_description": "Catering"},
            )
        ],
        {"flags": {"a": {"excessive": 1}}},
    ),
    (
        "earmarked-conduit-counts",
        [("give", "a", 350_001, "P", ACTBLUE)],
        {"flags": {"a": {"excessive": 1}}},
    ),
    (
        "redelivered-line-once",
        [
            ("give", "a", 300_000, "P", {**ACTBLUE, "processor_line_id": "L1"}),
            ("give", "b", 300_000, "P", {**ACTBLUE, "processor_line_id": "L1"}),
        ],
        {"P": 300_000, "flags": {}},
    ),
    # Refunds and chargebacks
    (
        "refund-lowers-aggregate",
        [("give", "a", 350_000, "P"), ("refund", "a", 50_000), ("give", "b", 50_000, "P")],
        {"P": 350_000, "flags": {}},
    ),
    (
        "refund-cures-excess",
        [("give", "a", 360_000, "P"), ("refund", "a", 10_000)],
        {"P": 350_000, "flags": {}, "resolved": {"a": ["excessive"]}},
    ),
    (
        "partial-refund-not-a-cure",
        [("give", "a", 360_000, "P"), ("refund", "a", 5_000)],
        {"P": 355_000, "flags": {"a": {"excessive": 10_000}}},
    ),
    (
        "refund-over-gift",
        [("give", "a", 10_000, "P"), ("refund", "a", 10_001)],
        {"error": "amount_over_remaining"},
    ),
    (
        "refunds-exhaust-gift",
        [("give", "a", 10_000, "P"), ("refund", "a", 6_000), ("refund", "a", 4_000)],
        {"P": 0},
    ),
    (
        "refund-after-exhausted",
        [("give", "a", 10_000, "P"), ("refund", "a", 10_000), ("refund", "a", 1)],
        {"error": "amount_over_remaining"},
    ),
    (
        "chargeback-lowers",
        [("give", "a", 350_000, "P"), ("chargeback", "a", 350_000)],
        {"P": 0, "cycle": 0},
    ),
    (
        "chargeback-cures",
        [("give", "a", 400_000, "P"), ("chargeback", "a", 400_000)],
        {"P": 0, "flags": {}, "resolved": {"a": ["excessive"]}},
    ),
    # Redesignation and reattribution
    (
        "redesignation-cures",
        [("give", "a", 400_000, "P"), ("redesignate", "a", 50_000, "G")],
        {
            "P": 350_000,
            "G": 50_000,
            "cycle": 400_000,
            "flags": {},
            "resolved": {"a": ["excessive"]},
        },
    ),
    (
        "redesignation-moves-excess",
        [
            ("give", "g", 340_000, "G"),
            ("give", "a", 400_000, "P"),
            ("redesignate", "a", 50_000, "G"),
        ],
        {"P": 350_000, "G": 390_000, "resolved": {"a": ["excessive"]}, "moved_excess": 40_000},
    ),
    (
        "redesignate-same-election",
        [("give", "a", 400_000, "P"), ("redesignate", "a", 50_000, "P")],
        {"error": "validation_error"},
    ),
    (
        "redesignate-more-than-left",
        [("give", "a", 100_000, "P"), ("refund", "a", 60_000), ("redesignate", "a", 50_000, "G")],
        {"error": "amount_over_remaining"},
    ),
    (
        "reattribution-cures",
        [("give", "a", 400_000, "P"), ("reattribute", "a", 50_000)],
        {"P": 350_000, "bob": 50_000, "flags": {}, "resolved": {"a": ["excessive"]}},
    ),
    (
        "reattribution-partial",
        [("give", "a", 450_000, "P"), ("reattribute", "a", 50_000)],
        {"P": 400_000, "bob": 50_000, "flags": {"a": {"excessive": 100_000}}},
    ),
    (
        "joint-check-within",
        [("joint", 700_000, [350_000, 350_000], "P")],
        {"P": 350_000, "bob": 350_000, "flags": {}},
    ),
    (
        "joint-check-both-over",
        [("joint", 800_000, [400_000, 400_000], "P")],
        {
            "P": 400_000,
            "bob": 400_000,
            "flags": {"j0": {"excessive": 50_000}, "j1": {"excessive": 50_000}},
        },
    ),
    (
        "joint-shares-must-add-up",
        [("joint", 700_000, [350_000, 300_000], "P")],
        {"error": "validation_error"},
    ),
    # Voids
    ("void-removes", [("give", "a", 100_000, "P"), ("void", "a")], {"P": 0, "cycle": 0}),
    (
        "void-with-refund-refused",
        [("give", "a", 100_000, "P"), ("refund", "a", 1_000), ("void", "a")],
        {"error": "donation_has_corrections"},
    ),
    (
        "void-twice",
        [("give", "a", 100_000, "P"), ("void", "a"), ("void", "a")],
        {"error": "donation_voided"},
    ),
    # Itemisation over the cycle
    ("itemize-at-200-not", [("give", "a", 20_000, "P")], {"itemized": False}),
    ("itemize-at-200.01", [("give", "a", 20_001, "P")], {"itemized": True}),
    (
        "itemize-two-gifts",
        [("give", "a", 10_000, "P"), ("give", "b", 10_001, "P")],
        {"itemized": True, "cycle": 20_001},
    ),
    (
        "itemize-across-elections",
        [("give", "a", 10_000, "P"), ("give", "b", 10_001, "G")],
        {"itemized": True},
    ),
    (
        "refund-below-threshold",
        [("give", "a", 25_000, "P"), ("refund", "a", 5_000)],
        {"itemized": False, "cycle": 20_000},
    ),
    # Cash and anonymous
    ("cash-100", [("give", "a", 10_000, "P", CASH)], {"flags": {}}),
    ("cash-100.01", [("give", "a", 10_001, "P", CASH)], {"flags": {"a": {"cash_over_limit": 1}}}),
    ("anonymous-cash-50", [("give", "a", 5_000, "P", {**CASH, **ANON})], {"flags": {}, "P": 0}),
    (
        "anonymous-cash-50.01",
        [("give", "a", 5_001, "P", {**CASH, **ANON})],
        {"flags": {"a": {"anonymous_cash": 1}}},
    ),
    # Who may give
    (
        "organization-flagged",
        [
            (
                "give",
                "a",
                50_000,
                "P",
                {"entity_type": EntityType.ORGANIZATION, "organization_name": "Acme Corp"},
            )
        ],
        {"flags": {"a": {"not_individual": 50_000}}},
    ),
    (
        "foreign-address-flagged",
        [("give", "a", 10_000, "P", {"country": "CA"})],
        {"flags": {"a": {"foreign_national": 10_000}}},
    ),
    (
        "confirmed-foreign-carries",
        [
            ("give", "a", 10_000, "P", {"country": "CA"}),
            ("confirm", "a", "foreign_national"),
            ("give", "b", 10_000, "P"),
        ],
        {"flags": {"a": {"foreign_national": 10_000}, "b": {"foreign_national": 10_000}}},
    ),
    # Best efforts
    (
        "missing-employer-itemized",
        [("give", "a", 25_000, "P", NO_EMPLOYER)],
        {"flags": {"a": {"missing_employer": 0}}, "due": {"a": 29}},
    ),
    ("missing-employer-not-itemized", [("give", "a", 10_000, "P", NO_EMPLOYER)], {"flags": {}}),
    (
        "missing-employer-on-crossing",
        [("give", "a", 15_000, "P", NO_EMPLOYER), ("give", "b", 6_000, "P", NO_EMPLOYER)],
        {"flags": {"b": {"missing_employer": 0}}},
    ),
    (
        "excess-due-in-60-days",
        [("give", "a", 350_100, "P")],
        {"flags": {"a": {"excessive": 100}}, "due": {"a": 59}},
    ),
]


@pytest.mark.parametrize(("steps", "expect"), [v[1:] for v in VECTORS], ids=[v[0] for v in VECTORS])
def test_vector(actor, elections, org, steps, expect):
    ada = create_person(org, first_name="Ada", last_name="Donor")
    bob = create_person(org, first_name="Bob", last_name="Donor")
    made: dict = {}
    error = None
    try:
        for step in steps:
            _apply(step, actor, elections, ada, bob, made)
    except DoorstepError as refused:
        error = refused.code
    assert error == expect.get("error")
    if error:
        return
    for code in ("P", "G"):
        if code in expect:
            assert standing_of(ada.id, elections[code]).election_cents == expect[code]
    if "bob" in expect:
        assert standing_of(bob.id, elections["P"]).election_cents == expect["bob"]
    if "cycle" in expect:
        assert cycle_total(ada.id, 2026) == expect["cycle"]
    if "itemized" in expect:
        limits = limits_of(committee_settings(org.id))
        assert is_itemized(cycle_total(ada.id, 2026), limits) == expect["itemized"]
    db.session.expire_all()
    if "flags" in expect:
        standing = {
            key: {f.code.value: f.amount_cents for f in donation.flags
                  if f.status in (FlagStatus.OPEN, FlagStatus.CONFIRMED)}
            for key, donation in made.items()
        }  # fmt: skip
        assert {k: v for k, v in standing.items() if v} == expect["flags"]
    for key, codes in expect.get("resolved", {}).items():
        assert sorted(f.code.value for f in made[key].flags
                      if f.status == FlagStatus.RESOLVED) == codes  # fmt: skip
    for key, days in expect.get("due", {}).items():
        due = {f.due_on for f in made[key].flags}
        assert due == {made[key].received_on + timedelta(days=days + 1)}
    if "moved_excess" in expect:
        plus = made["a:plus"]
        assert [(f.code.value, f.amount_cents) for f in plus.flags] == [
            ("excessive", expect["moved_excess"])
        ]


def _apply(step, actor, elections, ada, bob, made):
    verb, key, *rest = step
    if verb == "give":
        amount, election, *extra = rest
        fields = extra[0] if extra else {}
        person = None if fields.get("last_name", "x") is None else ada
        made[key] = gift(actor, elections[election], amount, person=person, **fields)
    elif verb in ("refund", "chargeback"):
        kind = EntryKind.REFUND if verb == "refund" else EntryKind.CHARGEBACK
        refund_donation(actor, made[key], rest[0], ON, kind=kind, reason="asked")
    elif verb == "redesignate":
        _minus, plus = redesignate_donation(actor, made[key], elections[rest[1]], rest[0], ON)
        made[f"{key}:plus"] = plus
    elif verb == "reattribute":
        reattribute_donation(actor, made[key], bob, rest[0], ON)
    elif verb == "void":
        void_donation(actor, made[key], "entered twice")
    elif verb == "confirm":
        from app.donations.flags import review_flag

        flag = next(f for f in made[key].flags if f.code.value == rest[0])
        review_flag(actor, flag, FlagStatus.CONFIRMED, "")
    elif verb == "joint":
        shares, election = rest
        fields = {"amount_cents": key, "election_id": elections[election].id,
                  "received_on": ON, "method": Method.CHECK, "check_number": "1001",
                  "employer": "Acme", "occupation": "Engineer"}  # fmt: skip
        for index, donation in enumerate(
            record_joint_donation(actor, fields, list(zip((ada, bob), shares, strict=True)))
        ):
            made[f"j{index}"] = donation
    else:  # pragma: no cover
        raise AssertionError(verb)


def test_table_has_forty_vectors():
    assert len(VECTORS) >= 40


def test_flags_are_rows_with_a_status(actor, elections, org):
    ada = create_person(org, first_name="Ada", last_name="Donor")
    donation = gift(actor, elections["P"], 350_001, person=ada)
    flag = db.session.query(DonationFlag).filter_by(donation_id=donation.id).one()
    assert (flag.status, flag.amount_cents) == (FlagStatus.OPEN, 1)
