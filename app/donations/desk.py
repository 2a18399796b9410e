"""Money entered at the desk: checks and cash typed by hand, and the deposit batches they go
to the bank in. A batch closes only when what was entered adds up to the deposit slip, to the
gift and to the cent; a closed batch takes nothing more.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from app.audit.operations import describe_changes, record_audit
from app.core.actor import Actor
from app.core.errors import Conflict, NotFound, ValidationError
from app.donations.corrections import record_joint_donation
from app.donations.figures import batch_row
from app.donations.matching import find_donor
from app.donations.models import DepositBatch, Donation, EntityType, EntryKind, Method
from app.donations.operations import record_donation
from app.extensions import db
from app.people.models import Person
from app.people.queries import follow_merges, get_person

#: What goes to the bank on a deposit slip.
DEPOSITED = (Method.CHECK, Method.CASH)
#: Gifts one batch holds at most (a slip is a few dozen; this bounds every read of one).
BATCH_MAX = 1000


def dollars(cents: int) -> str:
    """Cents as the slip says them: 125050 -> "$1,250.50", -500 -> "-$5.00"."""
    sign = "-" if cents < 0 else ""
    return f"{sign}${abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def get_batch(organization_id: int, batch_id: int, field: str | None = None) -> DepositBatch:
    batch = db.session.get(DepositBatch, batch_id)
    if batch is None or batch.organization_id != organization_id:
        if field:
            raise ValidationError("No such batch.", fields={field: [f"No batch {batch_id}."]})
        raise NotFound("No such deposit batch.", code="batch_not_found")
    return batch


def open_batch(actor: Actor, fields: dict[str, Any]) -> DepositBatch:
    """A new batch for the slip in hand: its name, how many gifts and how much it says."""
    batch = DepositBatch(
        organization_id=actor.organization_id,
        name=fields["name"],
        expected_count=fields["expected_count"],
        expected_cents=fields["expected_cents"],
        deposited_on=fields.get("deposited_on"),
        created_by_id=actor.user_id,
    )
    db.session.add(batch)
    changes = describe_changes(batch)
    db.session.flush()
    record_audit("deposit_batch.create", entity=batch, changes=changes)
    return batch


def _lock_open(batch: DepositBatch, field: str | None = None) -> None:
    """Lock the batch's row for this transaction (two desks adding to it, or one closing it
    while another adds: one after the other) and refuse a closed one."""
    db.session.execute(select(DepositBatch.id).where(DepositBatch.id == batch.id).with_for_update())
    db.session.refresh(batch)
    if batch.closed_at is not None:
        raise Conflict(
            f"Batch {batch.name!r} is closed: it was deposited.",
            code="batch_closed",
            fields={field: ["This batch is closed."]} if field else None,
        )


def _fit_for_batch(donations: list[Donation], batch: DepositBatch, field: str) -> None:
    problems = {}
    for n, donation in enumerate(donations):
        if donation.kind != EntryKind.CONTRIBUTION or donation.voided_at is not None:
            problems[f"{field}.{n}"] = ["Only a contribution that stands goes in a batch."]
        elif donation.method not in DEPOSITED:
            problems[f"{field}.{n}"] = ["Only checks and cash are deposited."]
        elif donation.batch_id not in (None, batch.id):
            problems[f"{field}.{n}"] = [f"In batch {donation.batch_id} already."]
    if problems:
        raise Conflict("These cannot go in this batch.", code="not_for_batch", fields=problems)
    _room_for(batch, sum(1 for donation in donations if donation.batch_id is None))


def _room_for(batch: DepositBatch, new: int) -> None:
    entered = db.session.scalar(
        select(func.count()).where(Donation.batch_id == batch.id, Donation.voided_at.is_(None))
    )
    if entered + new > BATCH_MAX:
        raise Conflict(f"A batch holds at most {BATCH_MAX} gifts.", code="batch_full")


def _check_deposited(method: Method, batch: DepositBatch | None, new: int = 1) -> None:
    """A gift typed straight into a batch: a check or cash, with room for it."""
    if batch is None:
        return
    if method not in DEPOSITED:
        raise ValidationError(
            "Only checks and cash go in a deposit batch.",
            fields={"batch_id": [f"A {method.value} gift is not deposited."]},
        )
    _room_for(batch, new)


def add_to_batch(actor: Actor, batch: DepositBatch, donation_ids: list[int]) -> DepositBatch:
    """Put gifts already recorded (at an event, say) in the batch they are deposited with."""
    _lock_open(batch)
    donations = []
    for n, donation_id in enumerate(donation_ids):
        donation = db.session.get(Donation, donation_id)
        if donation is None or donation.organization_id != actor.organization_id:
            raise ValidationError(
                "No such donation.", fields={f"donation_ids.{n}": [f"No donation {donation_id}."]}
            )
        donations.append(donation)
    _fit_for_batch(donations, batch, "donation_ids")
    added = [donation.id for donation in donations if donation.batch_id is None]
    for donation in donations:
        donation.batch_id = batch.id
    db.session.flush()
    record_audit("deposit_batch.add", entity=batch, changes={"donation_ids": added})
    return batch


def close_batch(actor: Actor, batch: DepositBatch) -> DepositBatch:
    """Close the batch when it balances the slip exactly; else say by how much it does not."""
    _lock_open(batch)
    row = batch_row(batch)
    count, cents = row.entered_count, row.entered_cents
    if (count, cents) != (batch.expected_count, batch.expected_cents):
        fields = {}
        if count != batch.expected_count:
            fields["expected_count"] = [
                f"{count} entered, {batch.expected_count} on the slip "
                f"({_more_or_fewer(count - batch.expected_count, 'gift')})."
            ]
        if cents != batch.expected_cents:
            fields["expected_cents"] = [
                f"{dollars(cents)} entered, {dollars(batch.expected_cents)} on the slip "
                f"({dollars(abs(cents - batch.expected_cents))} "
                f"{'over' if cents > batch.expected_cents else 'short'})."
            ]
        raise Conflict(
            "The batch does not balance: " + " ".join(m for [m] in fields.values()),
            code="batch_unbalanced",
            fields={
                **fields,
                "count_difference": [str(count - batch.expected_count)],
                "cents_difference": [str(cents - batch.expected_cents)],
            },
        )
    batch.closed_at = datetime.now(UTC)
    changes = describe_changes(batch)
    db.session.flush()
    record_audit("deposit_batch.close", entity=batch, changes=changes)
    return batch


def _more_or_fewer(difference: int, noun: str) -> str:
    plural = "" if abs(difference) == 1 else "s"
    return f"{abs(difference)} {noun}{plural} {'too many' if difference > 0 else 'missing'}"


def record_by_hand(actor: Actor, fields: dict[str, Any]) -> Donation:
    """A check, cash, in-kind gift or wire typed in at the desk, on ``person_id`` when given
    (their name and home fill what the form left blank), else on the donor found as the
    forms find one; into ``batch_id`` (open) when given."""
    batch = _batch_for(actor, fields)
    _check_deposited(Method(fields["method"]), batch)
    person = _donor_of(actor, fields)
    donation, _ = record_donation(actor, fields, person=person)
    return donation


def record_joint_by_hand(actor: Actor, fields: dict[str, Any]) -> list[Donation]:
    """One check signed by several people, each their share."""
    batch = _batch_for(actor, fields)
    _check_deposited(Method(fields["method"]), batch, len(fields["signers"]))
    signers = []
    for n, signer in enumerate(fields["signers"]):
        person = get_person(actor.organization_id, signer["person_id"],
                            field=f"signers.{n}.person_id")  # fmt: skip
        signers.append((follow_merges(person), signer["amount_cents"]))
    if len({person.id for person, _ in signers}) < len(signers):
        raise ValidationError(
            "Each signer once.", fields={"signers": ["The same person is listed twice."]}
        )
    details = [
        {name: signer[name] for name in ("employer", "occupation") if signer.get(name)}
        for signer in fields["signers"]
    ]
    return record_joint_donation(actor, fields, signers, details)


def _batch_for(actor: Actor, fields: dict[str, Any]) -> DepositBatch | None:
    if not fields.get("batch_id"):
        return None
    batch = get_batch(actor.organization_id, fields["batch_id"], field="batch_id")
    _lock_open(batch, "batch_id")
    return batch


def _donor_of(actor: Actor, fields: dict[str, Any]) -> Person | None:
    org = actor.organization_id
    if fields.get("fundraiser_person_id"):
        get_person(org, fields["fundraiser_person_id"], field="fundraiser_person_id")
    if fields.get("person_id"):
        person = follow_merges(get_person(org, fields["person_id"], field="person_id"))
        fill_from_person(fields, person)
        return person
    if fields.get("entity_type", EntityType.INDIVIDUAL) != EntityType.INDIVIDUAL:
        # A committee or an organisation: a record named for it, found as a person would be.
        name = fields["organization_name"]
        found = find_donor(org, {**fields, "first_name": None, "last_name": name[:100]})
        return found.person or find_donor(org, {"last_name": name[:100]}, add_new=True).person
    return None


def fill_from_person(fields: dict[str, Any], person: Person) -> None:
    """The contributor's name and address from their record, where the gift gave none."""
    if not (fields.get("first_name") or fields.get("last_name")):
        fields["first_name"] = (person.first_name or "")[:30] or None
        fields["last_name"] = (person.last_name or "")[:30] or None
    home = person.household.address if person.household is not None else None
    if home is not None and not fields.get("street_1"):
        line = " ".join(part for part in (home.line, person.household.unit) if part)
        fields.update(
            street_1=line[:34] or None,
            city=(home.city or "")[:30] or None,
            state=(home.state or "")[:2] or None,
            zip=(home.zip or "")[:9] or None,
        )
