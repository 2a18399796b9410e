"""Reads of invite links: the organiser's list, and what the public form and invite pages
show (a campaign by its slug, an invite by its code)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import Organization
from app.core.codes import normalise_code
from app.core.errors import NotFound
from app.core.links import public_url
from app.events.models import Event, Shift
from app.extensions import db
from app.volunteers.models import Skill, Team, VolunteerInvite


def organization_by_slug(slug: str, *, field: str = "organization") -> Organization:
    organization = db.session.scalar(select(Organization).where(Organization.slug == slug))
    if organization is None:
        raise NotFound(
            "No such campaign.",
            code="organization_not_found",
            fields={field: ["No such campaign."]},
        )
    return organization


def list_invites(organization_id: int) -> list[dict[str, Any]]:
    invites = db.session.scalars(
        select(VolunteerInvite)
        .where(VolunteerInvite.organization_id == organization_id)
        .order_by(VolunteerInvite.id.desc())
        .limit(500)
    )
    return [invite_row(i) for i in invites]


def invite_row(invite: VolunteerInvite) -> dict[str, Any]:
    fields = (
        "id",
        "code",
        "label",
        "team_id",
        "shift_id",
        "walk_list_id",
        "expires_at",
        "max_uses",
        "uses",
        "created_by_id",
        "created_at",
    )
    return {**{n: getattr(invite, n) for n in fields}, "url": public_url(f"/join/{invite.code}")}


def invite_by_code(code: str) -> VolunteerInvite:
    invite = db.session.scalar(
        select(VolunteerInvite).where(VolunteerInvite.code == normalise_code(code))
    )
    if invite is None:
        raise NotFound("No such invite (the link may be mistyped).", code="invite_not_found")
    return invite


def public_invite(invite: VolunteerInvite) -> dict[str, Any]:
    shift = None
    if invite.shift_id is not None:
        s = db.session.get(Shift, invite.shift_id)
        event = db.session.get(Event, s.event_id)
        shift = {
            "event_code": event.code,
            "event_name": event.name,
            "role": s.role,
            "starts_at": s.starts_at,
            "ends_at": s.ends_at,
            "time_zone": event.time_zone,
        }
    team = db.session.get(Team, invite.team_id) if invite.team_id else None
    return {
        "code": invite.code,
        "organization": db.session.get(Organization, invite.organization_id).name,
        "label": invite.label,
        "team": team.name if team else None,
        "shift": shift,
        "walk_list": invite.walk_list_id is not None,
        "skills": [s.value for s in Skill],
    }
