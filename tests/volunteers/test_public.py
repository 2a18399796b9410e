"""The public side: the open volunteer form (one person, one profile, matched to the voter
file), invite links (team, shift, walk list; expiry and uses), the calendar feed, and the
throttle on public forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlalchemy import func, select

from app.events.models import Signup, SignupStatus
from app.events.operations import cancel
from app.extensions import db
from app.outreach.models import OutboundMessage
from app.people.models import Person, PersonEmail
from app.volunteers.models import TeamMember, VolunteerProfile
from app.walklists.models import WalkList
from tests.factories import create_household, create_person
from tests.volunteers.conftest import START, add_signup, knock, make_event


def form(org, **fields):
    body = {
        "organization": org.slug,
        "first_name": "Rosa",
        "last_name": "Diaz",
        "email": "rosa@example.org",
        "email_consent": True,
        "skills": ["canvassing"],
        "languages": ["es"],
        "availability": {"weekly": [{"day": 5, "start": "10:00", "end": "14:00"}]},
    }
    body.update(fields)
    return body


def volunteer(client, body, expect=201, url="/api/v1/public/volunteers", **kwargs):
    response = client.post(url, json=body, **kwargs)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def count(model, org):
    return db.session.scalar(
        select(func.count()).select_from(model).filter_by(organization_id=org.id)
    )


def test_the_same_email_twice_is_one_person_with_one_profile(client, org):
    shown = client.get("/api/v1/public/volunteers", query_string={"organization": org.slug})
    assert shown.get_json()["organization"] == "Friends of Ada"
    first = volunteer(client, form(org))
    assert first["first_name"] == "Rosa" and "feed_url" not in first
    volunteer(
        client,
        form(
            org,
            email="ROSA@example.org",
            skills=["driving"],
            languages=["en"],
            availability={"dates": [{"date": "2027-03-10"}]},
        ),
    )
    assert count(Person, org) == 1 and count(VolunteerProfile, org) == 1
    profile = db.session.scalar(select(VolunteerProfile).filter_by(organization_id=org.id))
    assert profile.skills == ["canvassing", "driving"] and profile.source == "signup"
    assert profile.person.languages == ["es", "en"]
    assert profile.availability == {
        "weekly": [{"day": 5, "start": "10:00", "end": "14:00"}],
        "dates": [{"date": "2027-03-10"}],
    }
    messages = db.session.scalars(select(OutboundMessage).filter_by(kind="volunteer.signup")).all()
    assert len(messages) == 2 and all(profile.feed_token in m.body for m in messages)


def test_name_and_address_match_the_voter_on_the_file(client, org):
    household = create_household(org, house_number="4700", zip="19143")
    voter = create_person(org, household=household, first_name="ROSA", last_name="DIAZ")
    volunteer(client, form(org, house_number="4700", zip="19143", email="new@example.org"))
    assert count(Person, org) == 1
    profile = db.session.scalar(select(VolunteerProfile).filter_by(organization_id=org.id))
    assert profile.person_id == voter.id


def test_bad_public_forms(client, org):
    body = volunteer(client, form(org, email=None), expect=422)
    assert body["error"]["code"] == "validation_error" and "email" in body["error"]["fields"]
    body = volunteer(client, form(org, skills=["juggling"]), expect=422)
    assert "skills.0" in body["error"]["fields"]
    body = volunteer(client, form(org, organization="nobody"), expect=404)
    assert body["error"]["code"] == "organization_not_found"


def make_invite(client, headers, expect=201, **fields):
    response = client.post("/api/v1/volunteers/invites", json=fields, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def test_an_invite_puts_the_volunteer_on_its_team_and_shift(client, org, headers):
    team = client.post("/api/v1/volunteers/teams", json={"name": "Drivers"}, headers=headers)
    event = make_event(org, capacity=1, has_waitlist=False)
    invite = make_invite(
        client,
        headers,
        team_id=team.get_json()["id"],
        shift_id=event.shifts[0].id,
        label="Saturday drivers",
    )
    assert invite["url"] == f"https://doorstep.test/join/{invite['code']}"
    shown = client.get(f"/api/v1/public/invites/{invite['code'].lower()}").get_json()
    assert (shown["team"], shown["shift"]["role"], shown["walk_list"]) == (
        "Drivers",
        "canvasser",
        False,
    )
    url = f"/api/v1/public/invites/{invite['code']}/signups"
    body = form(org)
    del body["organization"]
    done = volunteer(client, body, url=url)
    assert done["team"] == "Drivers"
    assert [s["status"] for s in done["signups"]] == ["registered"]
    profile = db.session.scalar(select(VolunteerProfile).filter_by(organization_id=org.id))
    assert profile.source == "invite" and count(TeamMember, org) == 1
    signup = db.session.scalar(select(Signup).filter_by(person_id=profile.person_id))
    assert signup.source == "invite"

    taken = volunteer(
        client, {**body, "first_name": "Sam", "email": "sam@example.org"}, url=url, expect=409
    )
    assert taken["error"]["code"] == "shift_full"
    assert count(Person, org) == 1  # the refused sign-up left nothing behind
    listed = client.get("/api/v1/volunteers/invites", headers=headers).get_json()
    assert [i["uses"] for i in listed] == [1]


def test_expired_and_used_up_invites_are_refused(client, org, headers):
    body = form(org)
    del body["organization"]
    expired = make_invite(
        client, headers, expires_at=(datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    )
    for response in (
        client.get(f"/api/v1/public/invites/{expired['code']}"),
        client.post(f"/api/v1/public/invites/{expired['code']}/signups", json=body),
    ):
        assert response.status_code == 410
        assert response.get_json()["error"]["code"] == "invite_expired"
    once = make_invite(client, headers, max_uses=1)
    volunteer(client, body, url=f"/api/v1/public/invites/{once['code']}/signups")
    again = volunteer(
        client,
        {**body, "email": "two@example.org"},
        expect=410,
        url=f"/api/v1/public/invites/{once['code']}/signups",
    )
    assert again["error"]["code"] == "invite_used_up"
    assert client.get("/api/v1/public/invites/NOSUCH22").get_json()["error"]["code"] == (
        "invite_not_found"
    )
    bad = make_invite(client, headers, expect=422, shift_id=2**40)
    assert "shift_id" in bad["error"]["fields"]


def test_an_invite_with_a_walk_list_gives_its_claim_code(client, org, headers, organizer):
    knock(org, organizer)  # makes the campaign's walk list
    walk_list = db.session.scalar(select(WalkList).filter_by(organization_id=org.id))
    invite = make_invite(client, headers, walk_list_id=walk_list.id)
    body = form(org)
    del body["organization"]
    done = volunteer(client, body, url=f"/api/v1/public/invites/{invite['code']}/signups")
    assert done["walk_list"] == {
        "name": walk_list.name,
        "code": walk_list.code,
        "claim_url": f"https://doorstep.test/claim/{walk_list.code}",
    }


def test_the_calendar_feed_has_every_shift_and_says_which_are_cancelled(client, org):
    volunteer(client, form(org))
    profile = db.session.scalar(select(VolunteerProfile).filter_by(organization_id=org.id))
    person = profile.person
    first = make_event(org, name="Launch")
    second = make_event(org, name="Phone bank", start=START + timedelta(days=7))
    add_signup(person, first.shifts[0])
    dropped = add_signup(person, second.shifts[0])
    cancel(dropped)
    response = client.get(f"/api/v1/public/volunteers/{profile.feed_token}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    entries = Calendar.from_ical(response.data).walk("VEVENT")
    assert [(str(e["SUMMARY"]), str(e["STATUS"])) for e in entries] == [
        ("Launch (canvasser)", "CONFIRMED"),
        ("Phone bank (canvasser)", "CANCELLED"),
    ]
    assert entries[0].decoded("DTSTART") == START
    assert dropped.status == SignupStatus.CANCELLED
    missing = client.get("/api/v1/public/volunteers/nope/calendar.ics")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "feed_not_found"


def test_public_forms_are_throttled_per_address(client, app, org, monkeypatch):
    monkeypatch.setitem(app.config, "DOORSTEP_FORM_MAX_PER_IP", 2)
    bot = {"REMOTE_ADDR": "203.0.113.9"}
    for n in range(2):
        volunteer(client, form(org, email=f"bot{n}@example.org"), environ_base=bot)
    refused = volunteer(client, form(org, email="bot9@example.org"), expect=429, environ_base=bot)
    assert refused["error"]["code"] == "rate_limited"
    volunteer(
        client, form(org, email="human@example.org"), environ_base={"REMOTE_ADDR": "198.51.100.7"}
    )  # another address: fine

    event = make_event(org)
    rsvp = {"first_name": "Bo", "last_name": "T", "shift_ids": [event.shifts[0].id]}
    url = f"/api/v1/public/events/{event.code}/signups"
    for n in range(2):
        ok = client.post(url, json={**rsvp, "email": f"r{n}@example.org"}, environ_base=bot)
        assert ok.status_code == 201, ok.get_json()
    response = client.post(url, json={**rsvp, "email": "r9@example.org"}, environ_base=bot)
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


def test_a_known_email_typed_in_shows_nothing_stored(client, org, headers):
    rosa = create_person(org, first_name="Rosalind", last_name="Diaz")
    db.session.flush()
    db.session.add(PersonEmail(organization_id=org.id, person_id=rosa.id,
                               address="rosa@example.org", consent=True))  # fmt: skip
    event = make_event(org)
    invite = make_invite(client, headers, shift_id=event.shifts[0].id)
    url = f"/api/v1/public/invites/{invite['code']}/signups"
    body = form(org, first_name="Somebody")
    body.pop("organization")
    done = volunteer(client, body, url=url)
    assert done["first_name"] == "Somebody"  # what was typed, not "Rosalind"
    [signup] = done["signups"]
    assert signup["token"] is None and signup["links_sent"] is True
    assert count(Person, org) == 1  # still Rosa, never a second person


def test_an_unticked_box_never_takes_consent_back(client, org):
    volunteer(client, form(org))
    volunteer(client, form(org, email_consent=False))
    assert db.session.scalar(select(PersonEmail.consent)) is True


def test_a_new_contact_on_a_person_reached_already_waits_for_their_word(client, org):
    from app.people.models import ContactConfirmation, PersonPhone

    volunteer(client, form(org, phone="+12155550123", sms_consent=True))
    # Somebody types Rosa's phone with another email and number: they are not written to Rosa
    # (each waits for her to confirm it by a link sent where she said), and her messages keep
    # going where she said.
    volunteer(client, form(org, email="other@example.org", phone="+12155550123",
                           sms_consent=True))  # fmt: skip
    volunteer(client, form(org, email="rosa@example.org", phone="+12672830001",
                           sms_consent=True))  # fmt: skip
    emails = dict(db.session.execute(select(PersonEmail.address, PersonEmail.consent)).all())
    assert emails == {"rosa@example.org": True}
    phones = dict(db.session.execute(select(PersonPhone.number, PersonPhone.sms_consent)).all())
    assert phones == {"+12155550123": True}
    held = db.session.scalars(select(ContactConfirmation.value).order_by(ContactConfirmation.id))
    assert held.all() == ["other@example.org", "+12672830001"]
    assert count(Person, org) == 1
    # Nor through the other channel: Bo gave only an email; his email typed with a phone.
    volunteer(client, form(org, first_name="Bo", email="bo@example.org"))
    volunteer(client, form(org, first_name="Bo", email="bo@example.org", phone="+12155550177",
                           sms_consent=True))  # fmt: skip
    number = select(PersonPhone.sms_consent).filter_by(number="+12155550177")
    assert db.session.scalar(number) is None
    # A voter on the file the campaign cannot reach yet takes what the form gives.
    home = create_household(org, house_number="4700", zip="19143")
    ann = create_person(org, household=home, first_name="ANN", last_name="LEE")
    volunteer(client, form(org, first_name="Ann", last_name="Lee", house_number="4700",
                           zip="19143", email="ann@example.org", phone="+12155550199",
                           sms_consent=True))  # fmt: skip
    assert db.session.scalar(select(PersonPhone.sms_consent).filter_by(person_id=ann.id)) is True
    assert db.session.scalar(select(PersonEmail.consent).filter_by(person_id=ann.id)) is True
