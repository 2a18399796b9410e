"""Merging two records of one person: both histories kept, contacts folded, refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.permissions import Role
from app.core.actor import Actor
from app.extensions import db
from app.people.models import InteractionKind, Person, PersonEmail, PersonPhone
from app.people.operations import record_interaction
from app.voters.models import VOTE_METHOD_CODES, VoteMethod
from tests.factories import (
    auth_headers,
    create_household,
    create_organization,
    create_person,
    create_user,
)
from tests.people.factories import create_election, create_registration, create_vote

EARLY, LATE = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)


def _merge(client, headers, kept_id, other_id):
    return client.post(
        f"/api/v1/people/{kept_id}/merge", json={"other_id": other_id}, headers=headers
    )


@pytest.fixture
def pair(org):
    """A volunteer typed in by hand, and the same woman as the voter file knows her."""
    home = create_household(org)
    volunteer = create_person(
        org,
        source="manual",
        first_name="Rosa",
        last_name="Parks",
        tags=["Volunteer"],
        custom_fields={"shirt": "M"},
        do_not_contact=False,
    )
    voter = create_person(
        org,
        first_name="ROSA",
        middle_name="L",
        last_name="PARKS",
        birth_year=1961,
        household=home,
        tags=["volunteer", "Yard sign"],
        custom_fields={"shirt": "L", "ward": 27},
        is_deceased=False,
        has_moved=True,
        languages=["es"],
        vote_codes=[7],
    )
    db.session.add_all(
        [
            # Both have this address: the voter record's later opt-out must stay.
            PersonEmail(
                organization_id=org.id,
                person=volunteer,
                address="rosa@example.org",
                consent=True,
                is_primary=True,
                consent_changed_at=EARLY,
            ),
            PersonEmail(
                organization_id=org.id,
                person=voter,
                address="rosa@example.org",
                consent=False,
                do_not_contact=True,
                consent_changed_at=LATE,
            ),
            PersonEmail(
                organization_id=org.id, person=voter, address="rp@example.org", is_primary=True
            ),
            PersonPhone(
                organization_id=org.id,
                person=volunteer,
                number="+12155550123",
                sms_consent=True,
                consent_changed_at=LATE,
            ),
            PersonPhone(
                organization_id=org.id,
                person=voter,
                number="+12155550123",
                kind="mobile",
                sms_consent=False,
                consent_changed_at=EARLY,
            ),
        ]
    )
    registration = create_registration(voter, party="D", status="A", confidential=True)
    election = create_election(org, "2024 General", date(2024, 11, 5))
    create_vote(registration, election, "mail")
    record_interaction(volunteer, InteractionKind.NOTE, summary="Signed up at the fair")
    record_interaction(voter, InteractionKind.DOOR_KNOCK, summary="Not home")
    return volunteer, voter, registration, election


def test_merge_keeps_both_histories_and_folds_the_rest(client, headers, org, pair):
    volunteer, voter, registration, election = pair
    response = _merge(client, headers, volunteer.id, voter.id)
    assert response.status_code == 200, response.get_json()
    profile = response.get_json()

    assert profile["id"] == volunteer.id
    assert (profile["first_name"], profile["middle_name"], profile["birth_year"]) == (
        "Rosa",
        "L",
        1961,
    )
    assert profile["tags"] == ["Volunteer", "Yard sign"]
    assert profile["custom_fields"] == {"shirt": "M", "ward": 27}
    assert profile["languages"] == ["es"]
    assert (profile["has_moved"], profile["is_deceased"]) == (True, False)
    assert profile["household_id"] == voter.household_id
    assert profile["household"]["line"] == "100 MAIN ST"
    # Search columns now come from the registration the volunteer record holds.
    assert (profile["party"], profile["registration_status"], profile["confidential"]) == (
        "D",
        "A",
        True,
    )
    [reg] = profile["registrations"]
    assert reg["id"] == registration.id
    assert [v["election"] for v in profile["votes"]] == ["2024 General"]
    kept = db.session.get(Person, volunteer.id)
    mail = election.id * 8 + VOTE_METHOD_CODES[VoteMethod.MAIL]
    assert kept.vote_codes == sorted({7, mail})

    summaries = [i["summary"] for i in profile["interactions"]]
    assert {"Signed up at the fair", "Not home"} <= set(summaries)
    merge_entry = next(i for i in profile["interactions"] if i["kind"] == "merge")
    assert merge_entry["data"]["merged_person_id"] == voter.id
    assert merge_entry["data"]["merged_person_name"] == "ROSA L PARKS"

    emails = {e["address"]: e for e in profile["emails"]}
    assert set(emails) == {"rosa@example.org", "rp@example.org"}
    shared = emails["rosa@example.org"]
    assert shared["do_not_contact"] is True  # the opt-out on either side stays
    assert shared["consent"] is False  # the later decision wins
    assert [e["is_primary"] for e in profile["emails"]].count(True) == 1
    assert shared["is_primary"] is True
    [phone] = profile["phones"]
    assert phone["sms_consent"] is True and phone["kind"] == "mobile"

    merged = db.session.get(Person, voter.id)
    assert merged.merged_into_id == volunteer.id
    assert merged.emails == [] and merged.phones == []
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.merge"))
    assert audit.entity_id == str(volunteer.id)
    assert audit.changes["merged_person_id"] == voter.id
    assert audit.changes["party"] == {"from": None, "to": "D"}
    assert audit.changes["moved"]["registrations"] == 1


def test_the_merged_away_id_follows_and_refuses_edits(client, headers, org, pair):
    volunteer, voter, *_ = pair
    _merge(client, headers, volunteer.id, voter.id)
    profile = client.get(f"/api/v1/people/{voter.id}", headers=headers).get_json()
    assert profile["merged_into_id"] == volunteer.id
    edit = client.patch(f"/api/v1/people/{voter.id}", json={"first_name": "X"}, headers=headers)
    assert edit.status_code == 409
    assert edit.get_json()["error"]["code"] == "person_merged"
    listed = client.get("/api/v1/people?q=parks", headers=headers).get_json()
    assert [p["id"] for p in listed["items"]] == [volunteer.id]


def test_earlier_merges_are_repointed_at_the_survivor(client, headers, org):
    a, b, c = (create_person(org) for _ in range(3))
    assert _merge(client, headers, b.id, c.id).status_code == 200
    assert _merge(client, headers, a.id, b.id).status_code == 200
    db.session.expire_all()
    assert db.session.get(Person, c.id).merged_into_id == a.id


def test_suppression_flags_are_ored_in_either_direction(client, headers, org):
    kept = create_person(org, do_not_contact=False, is_deceased=False)
    other = create_person(org, do_not_contact=True, is_deceased=True, first_name=None)
    profile = _merge(client, headers, kept.id, other.id).get_json()
    assert (profile["do_not_contact"], profile["is_deceased"]) == (True, True)
    assert profile["first_name"] == kept.first_name


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("itself", 422, "merge_same_person"),
        ("already_merged_other", 409, "person_merged"),
        ("already_merged_kept", 409, "person_merged"),
        ("other_campaign", 422, "person_not_found"),
        ("missing", 422, "person_not_found"),
    ],
)
def test_refusals(client, headers, org, case, status, code):
    kept, other, third = (create_person(org) for _ in range(3))
    other_id = other.id
    if case == "itself":
        other_id = kept.id
    elif case == "already_merged_other":
        other.merged_into_id = third.id
    elif case == "already_merged_kept":
        kept.merged_into_id = third.id
    elif case == "other_campaign":
        other_id = create_person(create_organization()).id
    elif case == "missing":
        other_id = 10**12
    response = _merge(client, headers, kept.id, other_id)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code
    db.session.expire_all()
    assert db.session.get(Person, other.id).merged_into_id in (None, third.id)


def test_a_stranger_cannot_be_merged_from_another_campaign(client, headers):
    stranger, other = create_person(create_organization()), create_person(create_organization())
    assert _merge(client, headers, stranger.id, other.id).status_code == 404


def test_merge_operation_refuses_people_of_two_campaigns(org):
    from app.core.errors import ValidationError
    from app.people.merging import merge_people

    with pytest.raises(ValidationError) as refused:
        merge_people(
            Actor.system(org.id, "test"), create_person(org), create_person(create_organization())
        )
    assert refused.value.code == "merge_across_organizations"


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.FINANCE, Role.CANVASSER])
def test_only_directors_and_admins_merge(client, org, role):
    kept, other = create_person(org), create_person(org)
    response = _merge(client, auth_headers(create_user(org, role)), kept.id, other.id)
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Person, other.id).merged_into_id is None


def test_survey_answers_move_and_the_same_day_answer_stays_as_history(
    client, headers, pair, director
):
    from app.people.models import SurveyAnswer
    from app.people.operations import add_note

    volunteer, voter, _, _ = pair
    add_note(Actor.of(director), voter, "called", EARLY, {"support": "3"})
    add_note(Actor.of(director), voter, "called", None, {"support": "2"})
    add_note(
        Actor.of(director), volunteer, "met", None, {"support": "1"}
    )  # same day as the voter's
    assert _merge(client, headers, volunteer.id, voter.id).status_code == 200
    answers = db.session.execute(
        select(SurveyAnswer.person_id, SurveyAnswer.answer).order_by(SurveyAnswer.answer)
    ).all()
    assert answers == [(volunteer.id, "1"), (voter.id, "2"), (volunteer.id, "3")]


def test_sign_ups_check_ins_and_the_volunteer_profile_follow(client, headers, org, pair):
    from app.events.checkins import check_in_signup
    from app.events.models import CheckIn, CheckInMethod, Signup, SignupStatus
    from app.events.operations import create_event
    from app.volunteers.models import Team, TeamMember, VolunteerProfile

    volunteer, voter, _, _ = pair
    start = datetime(2027, 3, 6, 15, tzinfo=UTC)
    shift = {"starts_at": start, "ends_at": start.replace(hour=17), "capacity": 5}
    event = create_event(
        Actor.system(org.id, "test"),
        {"name": "Launch", "kind": "rally", "shifts": [shift, {**shift, "role": "driver"}]},
    )
    both, only_theirs = event.shifts

    def signup(person, shift, code):
        row = Signup(
            organization_id=org.id,
            shift_id=shift.id,
            person_id=person.id,
            status=SignupStatus.REGISTERED,
            token=code * 4,
            checkin_code=code,
        )
        db.session.add(row)
        db.session.flush()
        return row

    signup(voter, both, "KEPT2222")
    duplicate = signup(volunteer, both, "DUPE2222")
    theirs = signup(volunteer, only_theirs, "MOVE2222")
    team = Team(organization_id=org.id, name="West")
    db.session.add(team)
    db.session.flush()
    profiles = {}
    for person, skills in ((voter, ["driving"]), (volunteer, ["canvassing"])):
        profiles[person.id] = VolunteerProfile(
            organization_id=org.id,
            person_id=person.id,
            skills=skills,
            feed_token=f"feed-{person.id}",
        )
        db.session.add(profiles[person.id])
    db.session.flush()
    db.session.add(
        TeamMember(organization_id=org.id, team_id=team.id, profile_id=profiles[volunteer.id].id)
    )
    db.session.flush()
    check_in_signup(theirs, method=CheckInMethod.SCAN)  # after the profiles: it keeps theirs

    assert _merge(client, headers, voter.id, volunteer.id).status_code == 200
    db.session.expire_all()
    assert db.session.get(Signup, theirs.id).person_id == voter.id
    assert db.session.scalar(select(CheckIn.person_id)) == voter.id
    left = db.session.get(Signup, duplicate.id)  # the same shift twice: one seat, not two
    assert (left.person_id, left.status) == (volunteer.id, SignupStatus.CANCELLED)
    [profile] = db.session.scalars(select(VolunteerProfile)).all()
    assert profile.person_id == voter.id and sorted(profile.skills) == ["canvassing", "driving"]
    assert db.session.scalar(select(TeamMember.profile_id)) == profile.id


def test_a_seat_freed_by_the_merge_goes_to_whoever_waits(client, headers, org, pair):
    from app.events.models import Signup, SignupStatus
    from app.events.operations import create_event, sign_up

    volunteer, voter, _, _ = pair
    start = datetime(2027, 3, 6, 15, tzinfo=UTC)
    shift = {"starts_at": start, "ends_at": start.replace(hour=17), "has_waitlist": True}
    event = create_event(
        Actor.system(org.id, "test"),
        {
            "name": "Launch",
            "kind": "canvass_launch",
            "shifts": [{**shift, "capacity": 1}, {**shift, "capacity": 2, "role": "driver"}],
        },
    )
    single, double = event.shifts
    stranger = create_person(org, first_name="Wes")

    def take(person, shift):
        [row], _ = sign_up(event, {"shift_ids": [shift.id]}, source="manual", person=person)
        return row

    # The one seat is the volunteer record's; the voter record waits for it.
    theirs_single, mine_single = take(volunteer, single), take(voter, single)
    # Both records hold a seat of two; a stranger waits.
    theirs_double, mine_double = take(volunteer, double), take(voter, double)
    waiting = take(stranger, double)
    assert [mine_single.status, waiting.status] == [SignupStatus.WAITLISTED] * 2

    assert _merge(client, headers, voter.id, volunteer.id).status_code == 200
    db.session.expire_all()
    status = {row.id: row.status for row in db.session.scalars(select(Signup))}
    assert status[theirs_single.id] == status[theirs_double.id] == SignupStatus.CANCELLED
    assert status[mine_single.id] == SignupStatus.REGISTERED  # the person keeps their seat
    assert status[mine_double.id] == SignupStatus.REGISTERED
    assert status[waiting.id] == SignupStatus.REGISTERED  # the freed seat of two
