"""Volunteers for organisers (/api/v1/volunteers) and for the public (/api/v1/public/...):
the open sign-up form, invite links, a volunteer's calendar feed."""

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth.access import current_actor, current_user, public, require
from app.auth.permissions import Permission
from app.auth.throttle import throttle_form
from app.core.pagination import page_schema
from app.core.schemas import file_responses
from app.events.queries import public_signup
from app.people.queries import get_person
from app.volunteers import invites, operations, queries
from app.volunteers.models import Skill
from app.volunteers.schemas import (
    InviteInSchema,
    InviteSchema,
    LinkSchema,
    OpenFormSchema,
    ProfileCreateSchema,
    ProfileUpdateSchema,
    PublicFormArgsSchema,
    PublicFormSchema,
    PublicInviteSchema,
    PublicVolunteerSchema,
    TeamInSchema,
    TeamSchema,
    TeamUpdateSchema,
    VolunteerDetailSchema,
    VolunteerFormSchema,
    VolunteerListArgsSchema,
    VolunteerSchema,
)
from app.walklists.queries import claim_url

blp = Blueprint("volunteers", __name__, url_prefix="/api/v1", description="Volunteers")


@blp.route("/volunteers")
class Volunteers(MethodView):
    @require(Permission.VOLUNTEERS_MANAGE)
    @blp.arguments(VolunteerListArgsSchema, location="query")
    @blp.response(200, page_schema(VolunteerSchema))
    def get(self, args):
        """Search volunteers: skill, language, team, organizer, available on a date, within
        so many km of an event, never came back, top canvassers of the last N days."""
        return queries.list_volunteers(current_user().organization_id, args)

    @require(Permission.VOLUNTEERS_MANAGE)
    @blp.arguments(ProfileCreateSchema)
    @blp.response(201, VolunteerDetailSchema)
    def post(self, body):
        """Make a person a volunteer (skills, availability, teams, their organizer)."""
        user = current_user()
        person = get_person(user.organization_id, body.pop("person_id"), field="person_id")
        return queries.volunteer_detail(operations.create_profile(person, body))


@blp.route("/volunteers/<id:person_id>")
class OneVolunteer(MethodView):
    @require(Permission.VOLUNTEERS_MANAGE)
    @blp.response(200, VolunteerDetailSchema)
    def get(self, person_id):
        """The volunteer: profile, every shift (check-in, hours), doors and contacts."""
        return queries.volunteer_detail(
            queries.get_profile(current_user().organization_id, person_id)
        )

    @require(Permission.VOLUNTEERS_MANAGE)
    @blp.arguments(ProfileUpdateSchema)
    @blp.response(200, VolunteerDetailSchema)
    def patch(self, changes, person_id):
        """Change the profile; ``team_ids`` replaces their teams."""
        profile = queries.get_profile(current_user().organization_id, person_id)
        return queries.volunteer_detail(operations.update_profile(profile, changes))


@blp.route("/volunteers/<id:person_id>/link", methods=["POST"])
@require(Permission.VOLUNTEERS_MANAGE)
@blp.arguments(LinkSchema)
@blp.response(200, VolunteerDetailSchema)
def link(body, person_id):
    """Move this volunteer's profile to another person (the voter-file record the form did
    not match). Their sign-ups stay: merge the two people to carry those over."""
    organization_id = current_user().organization_id
    profile = queries.get_profile(organization_id, person_id)
    other = get_person(organization_id, body["person_id"], field="person_id")
    return queries.volunteer_detail(operations.link_profile(profile, other))


@blp.route("/volunteers/teams")
class Teams(MethodView):
    @require(Permission.VOLUNTEERS_MANAGE)
    @blp.response(200, TeamSchema(many=True))
    def get(self):
        """The campaign's teams, with how many are on each."""
        return queries.list_teams(current_user().organization_id)

    @require(Permission.VOLUNTEERS_MANAGE)
    @blp.arguments(TeamInSchema)
    @blp.response(201, TeamSchema)
    def post(self, body):
        """A new team (volunteers join it through their profile or an invite)."""
        return queries.team_row(operations.create_team(current_user().organization_id, body))


@blp.route("/volunteers/teams/<id:team_id>")
class OneTeam(MethodView):
    @require(Permission.VOLUNTEERS_MANAGE)
    @blp.arguments(TeamUpdateSchema)
    @blp.response(200, TeamSchema)
    def patch(self, changes, team_id):
        """Rename the team, or give it another organiser."""
        team = queries.get_team(current_user().organization_id, team_id)
        return queries.team_row(operations.update_team(team, changes))

    @require(Permission.VOLUNTEERS_MANAGE)
    @blp.response(204)
    def delete(self, team_id):
        """Remove the team; its volunteers stay."""
        operations.delete_team(queries.get_team(current_user().organization_id, team_id))


@blp.route("/volunteers/invites")
class Invites(MethodView):
    @require(Permission.VOLUNTEERS_MANAGE)
    @blp.response(200, InviteSchema(many=True))
    def get(self):
        """The campaign's invite links, newest first, with how often each was used."""
        return invites.list_invites(current_user().organization_id)

    @require(Permission.VOLUNTEERS_MANAGE)
    @blp.arguments(InviteInSchema)
    @blp.response(201, InviteSchema)
    def post(self, body):
        """An invite link (/join/CODE): a team, a shift and a walk list, each optional."""
        return invites.invite_row(operations.create_invite(current_actor(), body))


def _confirmation(outcome: dict, typed_first_name: str) -> dict:
    """What the form's answer shows: what was typed, never what the campaign had stored (a
    known email typed in by somebody else shows nothing of that person)."""
    walk_list = outcome["walk_list"]
    if walk_list is not None:
        walk_list = {
            "name": walk_list.name,
            "code": walk_list.code,
            "claim_url": claim_url(walk_list),
        }
    return {
        "first_name": typed_first_name,
        "team": outcome["team"].name if outcome["team"] else None,
        "signups": [public_signup(s, links=outcome["new_person"]) for s in outcome["signups"]],
        "walk_list": walk_list,
    }


@blp.route("/public/volunteers", methods=["GET"])
@public
@blp.arguments(PublicFormArgsSchema, location="query")
@blp.response(200, PublicFormSchema)
def public_form(args):
    """What the open sign-up page shows for a campaign (by its slug)."""
    organization = invites.organization_by_slug(args["organization"])
    return {"organization": organization.name, "skills": [s.value for s in Skill]}


@blp.route("/public/volunteers", methods=["POST"])
@public
@throttle_form("volunteer_signup")
@blp.arguments(OpenFormSchema)
@blp.response(201, PublicVolunteerSchema)
def sign_up(body):
    """Volunteer (no sign-in). The person is the one the campaign has (same email, phone,
    or name at the address) or new; one profile each, added to when they come again."""
    organization = invites.organization_by_slug(body.pop("organization"))
    outcome = operations.sign_up_volunteer(organization.id, body)
    return _confirmation(outcome, body["first_name"])


@blp.route("/public/invites/<code>", methods=["GET"])
@public
@blp.response(200, PublicInviteSchema)
def public_invite(code):
    """What an invite link offers (410 once expired or used up)."""
    invite = invites.invite_by_code(code)
    operations.check_invite(invite)
    return invites.public_invite(invite)


@blp.route("/public/invites/<code>/signups", methods=["POST"])
@public
@throttle_form("volunteer_signup")
@blp.arguments(VolunteerFormSchema)
@blp.response(201, PublicVolunteerSchema)
def sign_up_by_invite(body, code):
    """Volunteer through an invite: joins its team, takes a seat on its shift (409 when
    full without a waitlist), and gets its walk list's claim code."""
    invite = invites.invite_by_code(code)
    outcome = operations.sign_up_volunteer(invite.organization_id, body, invite=invite)
    return _confirmation(outcome, body["first_name"])


@blp.route("/public/volunteers/<token>/calendar.ics", methods=["GET"])
@public
@blp.response(200, {"type": "string"}, content_type="text/calendar")
@blp.doc(**file_responses("The volunteer's shifts", {"text/calendar": {"type": "string"}}))
def calendar(token):
    """A volunteer's shifts as a calendar feed to subscribe to (the link is the key)."""
    body = queries.feed(queries.profile_by_feed_token(token))
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="shifts.ics"'},
    )
