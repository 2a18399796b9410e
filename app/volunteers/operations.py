"""What changes volunteers: profiles (by an organiser, or the public form), teams, invite
links and signing up through one, linking a profile to the right person."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.operations import changed_fields, record_audit
from app.core.actor import Actor
from app.core.codes import new_code
from app.core.errors import Conflict, Gone, ValidationError
from app.core.links import public_url
from app.core.signals import person_merged
from app.events import operations as events
from app.events.messaging import ask_to_confirm_contacts
from app.events.models import Event, Shift
from app.extensions import db
from app.outreach.models import Channel
from app.outreach.operations import queue_message
from app.people.matching import find_person_from_form
from app.people.models import Person
from app.people.operations import normalise_languages, update_person
from app.people.queries import follow_merges
from app.volunteers.models import Team, TeamMember, VolunteerInvite, VolunteerProfile
from app.volunteers.profiles import new_profile, profile_of
from app.walklists.models import WalkList, WalkListStatus

_PROFILE_FIELDS = ("skills", "preferred_channel", "organizer_user_id", "user_id", "status", "notes")


def create_profile(person: Person, fields: dict[str, Any]) -> VolunteerProfile:
    """Make ``person`` (the survivor, if merged away) a volunteer; one profile per person."""
    person = follow_merges(person)
    if profile_of(person) is not None:
        raise Conflict(
            "This person is a volunteer already.",
            code="volunteer_exists",
            fields={"person_id": ["Already a volunteer."]},
        )
    profile = new_profile(person, source="organizer")
    _apply(profile, fields)
    record_audit("volunteers.create", entity=profile, changes={"person_id": person.id})
    return profile


def update_profile(profile: VolunteerProfile, changes: dict[str, Any]) -> VolunteerProfile:
    _apply(profile, changes)
    record_audit("volunteers.update", entity=profile, changes=changed_fields(changes))
    return profile


def _apply(profile: VolunteerProfile, fields: dict[str, Any]) -> None:
    organization_id = profile.organization_id
    for name in ("organizer_user_id", "user_id"):
        if fields.get(name) is not None:
            _campaign_user(organization_id, fields[name], name)
    for name in _PROFILE_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(profile, name, _unique(value) if name == "skills" else value)
    if "availability" in fields:
        profile.availability = _availability_json(fields["availability"])
    if "languages" in fields:
        update_person(profile.person, {"languages": fields["languages"]})
    if "team_ids" in fields:
        _set_teams(profile, fields["team_ids"])
    db.session.flush()


def _unique(values: list[Any]) -> list[str]:
    return list(dict.fromkeys(str(v) for v in values))


def _availability_json(availability: dict[str, Any]) -> dict[str, Any]:
    """The schema's windows as stored (dates as ISO text, so JSONB containment finds them)."""
    dates = [{**d, "date": d["date"].isoformat()} for d in availability.get("dates", [])]
    return {"weekly": list(availability.get("weekly", [])), "dates": dates}


def _campaign_user(organization_id: int, user_id: int, field: str) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.organization_id != organization_id:
        raise ValidationError(
            "No such user.",
            code="user_not_found",
            fields={field: ["No such user in this campaign."]},
        )
    return user


def _set_teams(profile: VolunteerProfile, team_ids: list[int]) -> None:
    wanted = set(team_ids)
    found = set(
        db.session.scalars(
            select(Team.id).where(
                Team.id.in_(wanted), Team.organization_id == profile.organization_id
            )
        )
    )
    if wanted - found:
        raise ValidationError(
            "No such team.", code="team_not_found", fields={"team_ids": sorted(wanted - found)}
        )
    db.session.execute(
        TeamMember.__table__.delete().where(
            TeamMember.profile_id == profile.id, TeamMember.team_id.not_in(wanted)
        )
    )
    for team_id in wanted:
        _join_team(profile, team_id)
    db.session.expire(profile, ["teams"])


def _join_team(profile: VolunteerProfile, team_id: int) -> None:
    if db.session.get(TeamMember, (team_id, profile.id)) is None:
        db.session.add(
            TeamMember(
                organization_id=profile.organization_id, team_id=team_id, profile_id=profile.id
            )
        )
    db.session.flush()
    db.session.expire(profile, ["teams"])


def link_profile(profile: VolunteerProfile, other: Person) -> VolunteerProfile:
    """Move the profile to the right person (the sign-up was not matched to the voter file).
    Their sign-ups stay with the old record: merge the two people to carry those over."""
    other = follow_merges(other)
    if other.id == profile.person_id:
        return profile
    if profile_of(other) is not None:
        raise Conflict(
            "That person is a volunteer already; merge the two people instead.",
            code="volunteer_exists",
            fields={"person_id": ["Already a volunteer."]},
        )
    before = profile.person_id
    profile.person_id = other.id
    db.session.flush()
    db.session.expire(profile, ["person"])
    record_audit("volunteers.link", entity=profile, changes={"person_id": [before, other.id]})
    return profile


def create_team(organization_id: int, fields: dict[str, Any]) -> Team:
    team = Team(organization_id=organization_id, name="")
    _team_fields(team, fields)
    db.session.add(team)
    db.session.flush()
    record_audit("volunteers.team_create", entity=team, changes={"name": team.name})
    return team


def update_team(team: Team, changes: dict[str, Any]) -> Team:
    """Rename the team or give it another organiser."""
    _team_fields(team, changes)
    db.session.flush()
    record_audit("volunteers.team_update", entity=team, changes=changed_fields(changes))
    return team


def delete_team(team: Team) -> None:
    """The team goes; its volunteers stay (only their membership goes), and invites to it
    still sign people up, without a team."""
    record_audit("volunteers.team_delete", entity=team, changes={"name": team.name})
    db.session.delete(team)
    db.session.flush()


def _team_fields(team: Team, fields: dict[str, Any]) -> None:
    if "name" in fields:
        name = " ".join(fields["name"].split())
        taken = db.session.scalar(
            select(func.count()).where(
                Team.organization_id == team.organization_id,
                func.lower(Team.name) == name.lower(),
                Team.id != (team.id or 0),
            )
        )
        if taken:
            raise Conflict(
                "A team of that name exists.", code="team_exists", fields={"name": ["Taken."]}
            )
        team.name = name
    if "organizer_user_id" in fields:
        if fields["organizer_user_id"] is not None:
            _campaign_user(team.organization_id, fields["organizer_user_id"], "organizer_user_id")
        team.organizer_user_id = fields["organizer_user_id"]


def create_invite(actor: Actor, fields: dict[str, Any]) -> VolunteerInvite:
    """An invite link; each of team, shift and walk list is optional and checked here."""
    organization_id, user_id = actor.organization_id, actor.user_id
    for field, model in (("team_id", Team), ("shift_id", Shift), ("walk_list_id", WalkList)):
        if fields.get(field) is not None:
            row = db.session.get(model, fields[field])
            if row is None or row.organization_id != organization_id:
                raise ValidationError(
                    "Not found in this campaign.",
                    code="not_found",
                    fields={field: ["Not found in this campaign."]},
                )
    invite = VolunteerInvite(
        organization_id=organization_id,
        created_by_id=user_id,
        code=new_code(VolunteerInvite.code),
        **fields,
    )
    db.session.add(invite)
    db.session.flush()
    record_audit("volunteers.invite_create", entity=invite, changes={"code": invite.code})
    return invite


def sign_up_volunteer(
    organization_id: int, fields: dict[str, Any], *, invite: VolunteerInvite | None = None
) -> dict[str, Any]:
    """The public form (or an invite's): the person the campaign has (email, phone, or name
    at the address on the voter file) or a new one, and their one profile, new or added to.

    A form only adds (skills, languages, availability): whoever types somebody's email in
    cannot wipe what that volunteer told the organiser. Through an invite, the volunteer
    joins its team and takes a seat on its shift (refused when full without a waitlist)."""
    if invite is not None:
        invite = use_invite(invite)
    person, created, held = find_person_from_form(organization_id, fields)
    profile = profile_of(person)
    if profile is None:
        profile = new_profile(person, source="invite" if invite else "signup")
        if fields.get("preferred_channel"):
            profile.preferred_channel = fields["preferred_channel"]
    profile.skills = _unique([*profile.skills, *fields.get("skills", [])])
    profile.availability = _merged(
        profile.availability, _availability_json(fields.get("availability") or {})
    )
    if fields.get("languages"):
        person.languages = normalise_languages([*person.languages, *fields["languages"]])
    outcome: dict[str, Any] = {"profile": profile, "signups": [], "team": None, "walk_list": None,
                               "new_person": created}  # fmt: skip
    if invite is not None:
        outcome.update(_through_invite(invite, profile, fields))
    db.session.flush()
    _welcome(profile)
    ask_to_confirm_contacts(person, held)
    return outcome


def merge_profiles(other: Person, kept: Person) -> int:
    """Two records of one person merged: the profile moves to ``kept``; where both have one,
    the kept one takes the other's skills, availability, teams, sign-in and organiser where
    it has none. Returns how many profiles moved or were folded (0 or 1)."""
    theirs = profile_of(other)
    if theirs is None:
        return 0
    mine = profile_of(kept)
    if mine is None:
        theirs.person_id = kept.id
        db.session.flush()
        return 1
    mine.skills = _unique([*mine.skills, *theirs.skills])
    mine.availability = _merged(mine.availability, theirs.availability)
    mine.user_id = mine.user_id or theirs.user_id
    mine.organizer_user_id = mine.organizer_user_id or theirs.organizer_user_id
    mine.notes = "\n".join(n for n in (mine.notes, theirs.notes) if n)
    for team in theirs.teams:
        _join_team(mine, team.id)
    db.session.delete(theirs)
    db.session.flush()
    return 1


def _merged(stored: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key in ("weekly", "dates"):
        windows = list(stored.get(key, []))
        out[key] = windows + [w for w in given.get(key, []) if w not in windows]
    return out


def use_invite(invite: VolunteerInvite) -> VolunteerInvite:
    """Count one use, under a row lock (two last uses at once: one is refused)."""
    invite = db.session.scalar(
        select(VolunteerInvite)
        .where(VolunteerInvite.id == invite.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    check_invite(invite)
    invite.uses += 1
    return invite


def check_invite(invite: VolunteerInvite) -> None:
    if invite.is_expired(datetime.now(UTC)):
        raise Gone(
            "This invite link has expired; ask your organizer for a new one.", code="invite_expired"
        )
    if invite.is_used_up():
        raise Gone("This invite link has been used as often as it may.", code="invite_used_up")


def _through_invite(
    invite: VolunteerInvite, profile: VolunteerProfile, fields: dict[str, Any]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if invite.team_id is not None:
        _join_team(profile, invite.team_id)
        out["team"] = db.session.get(Team, invite.team_id)
    if invite.shift_id is not None:
        shift = db.session.get(Shift, invite.shift_id)
        event = db.session.get(Event, shift.event_id)
        form = {**fields, "shift_ids": [shift.id]}
        out["signups"], _ = events.sign_up(event, form, source="invite", person=profile.person)
    if invite.walk_list_id is not None:
        # Claiming a list needs a canvasser's sign-in: the volunteer gets its code and link.
        walk_list = db.session.get(WalkList, invite.walk_list_id)
        if walk_list.status == WalkListStatus.ACTIVE:
            out["walk_list"] = walk_list
    return out


def feed_url(profile: VolunteerProfile) -> str:
    return public_url(f"/api/v1/public/volunteers/{profile.feed_token}/calendar.ics")


def _welcome(profile: VolunteerProfile) -> None:
    """The thank-you, with the calendar feed: by email only, to an address they consented
    on (the feed shows their schedule, so it never goes back in the web answer)."""
    person = profile.person
    email = next((e.address for e in person.emails if e.consent and not e.do_not_contact), None)
    if email is None:
        return
    queue_message(
        organization_id=profile.organization_id,
        channel=Channel.EMAIL,
        recipient=email,
        kind="volunteer.signup",
        subject="Thanks for volunteering",
        body=f"Hello {person.first_name or ''},\n\nThank you for signing up to volunteer. "
        f"Your shifts, in your calendar (subscribe to this link):\n{feed_url(profile)}\n",
    )


@person_merged.connect
def _merge_profiles_of(kept: Person, *, merged: Person) -> dict[str, int]:
    return {"volunteer_profiles": merge_profiles(merged, kept)}
