"""The committee and its rules: settings with the federal defaults, and the candidate's
elections a contribution may be designated to."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit.operations import describe_changes, record_audit
from app.core.actor import Actor
from app.core.errors import Conflict, ValidationError
from app.donations.models import CandidateElection, CommitteeSettings, ElectionKind
from app.donations.rules import FEDERAL_LIMIT_CENTS, Limits
from app.extensions import db


def committee_settings(organization_id: int) -> CommitteeSettings:
    """The campaign's committee settings (the federal defaults until someone sets them)."""
    settings = db.session.get(CommitteeSettings, organization_id)
    if settings is None:
        settings = CommitteeSettings(organization_id=organization_id)
        db.session.add(settings)
        db.session.flush()
        db.session.refresh(settings)
    return settings


def limits_of(settings: CommitteeSettings) -> Limits:
    return Limits(
        itemization_threshold_cents=settings.itemization_threshold_cents,
        cash_limit_cents=settings.cash_limit_cents,
        anonymous_cash_limit_cents=settings.anonymous_cash_limit_cents,
    )


def get_election(organization_id: int, election_id: int, field: str = "election_id"):
    election = db.session.get(CandidateElection, election_id)
    if election is None or election.organization_id != organization_id:
        raise ValidationError(
            "No such election.", fields={field: [f"No election {election_id} in this campaign."]}
        )
    return election


def add_election(actor: Actor, fields: dict[str, Any]) -> CandidateElection:
    """A new election to designate gifts to: kind, held_on, and optionally name, cycle (the
    even year of its two-year period) and limit (the federal limit when left out)."""
    kind = ElectionKind(fields["kind"])
    held_on: date = fields["held_on"]
    election = CandidateElection(
        organization_id=actor.organization_id,
        kind=kind,
        code=f"{kind.value}{held_on.year}",
        name=fields.get("name") or f"{kind.name.title()} {held_on.year}",
        held_on=held_on,
        cycle=fields.get("cycle") or held_on.year + held_on.year % 2,
        limit_cents=fields.get("limit_cents", FEDERAL_LIMIT_CENTS),
    )
    try:
        with db.session.begin_nested():
            db.session.add(election)
    except IntegrityError:
        raise Conflict(
            f"The campaign has a {election.code} election already.",
            code="election_exists",
            fields={"kind": [f"{election.code} exists."]},
        ) from None
    record_audit("candidate_election.create", entity=election, changes=describe_changes(election))
    return election


def list_elections(organization_id: int) -> list[CandidateElection]:
    return list(
        db.session.scalars(
            select(CandidateElection)
            .where(CandidateElection.organization_id == organization_id)
            .order_by(CandidateElection.held_on, CandidateElection.id)
        )
    )


def update_committee_settings(actor: Actor, changes: dict[str, Any]) -> CommitteeSettings:
    settings = committee_settings(actor.organization_id)
    for name, value in changes.items():
        setattr(settings, name, value)
    if settings.anonymous_cash_limit_cents > settings.cash_limit_cents:
        raise ValidationError(
            "The anonymous cash limit cannot be above the cash limit.",
            fields={"anonymous_cash_limit_cents": ["At most cash_limit_cents."]},
        )
    audit = describe_changes(settings)
    db.session.flush()
    record_audit("committee_settings.update", entity=settings, changes=audit)
    return settings
