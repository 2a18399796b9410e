"""Every API endpoint x every role x the expected status, from the one permission table."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from app import create_app
from app.accounts.models import User
from app.accounts.operations import invite_user
from app.auth.access import ACCESS_ATTRIBUTE
from app.auth.permissions import Access, Permission, Role, role_has
from app.auth.tokens import issue_tokens
from app.core.actor import Actor
from app.extensions import db
from app.universes.operations import create_universe
from tests.conftest import TEST_CONFIG
from tests.factories import (
    bearer,
    create_household,
    create_organization,
    create_person,
    create_user,
)

# Building the app runs no SQL, so the endpoint list is known at collection time.
_APP = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/x"})


def _access_of(view_function, method: str):
    view_class = getattr(view_function, "view_class", None)
    target = getattr(view_class, method.lower()) if view_class else view_function
    return getattr(target, ACCESS_ATTRIBUTE, None)


def api_endpoints() -> list[tuple[str, str, object]]:
    endpoints = []
    for rule in _APP.url_map.iter_rules():
        if not (rule.rule.startswith("/api/v1/") or rule.rule == "/healthz"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            access = _access_of(_APP.view_functions[rule.endpoint], method)
            endpoints.append((method, rule.rule, access))
    return endpoints


ENDPOINTS = api_endpoints()


def test_every_endpoint_declares_who_may_call_it():
    undeclared = [f"{m} {r}" for m, r, access in ENDPOINTS if access is None]
    assert ENDPOINTS, "no API endpoints found"
    assert undeclared == []


@pytest.fixture(scope="module")
def world(committed_world):
    """One campaign with a user of every role and one of each thing an endpoint names, built
    once for the module's ~800 cases (each case's writes are rolled back)."""
    return committed_world(_build_world)


def _build_world() -> dict:
    organization = create_organization()
    users = {role: create_user(organization, role) for role in Role}
    target = create_user(organization, Role.CANVASSER)
    invitation, _ = invite_user(
        Actor.of(users[Role.ADMIN]), email="matrix@example.org", role=Role.CANVASSER
    )
    person = create_person(organization)
    universe = create_universe(Actor.of(users[Role.ADMIN]), name="Matrix", filter={})
    ids = {"user_id": target.id, "invitation_id": invitation.id, "person_id": person.id}
    ids["slug"] = organization.slug  # the ActBlue webhook's URL names the campaign
    ids["universe_id"] = universe.id
    ids.update(_import_world(organization))
    ids.update(_turf_world(organization))
    ids.update(_canvass_world(organization))
    ids.update(_events_world(organization))
    ids.update(_money_world(organization, person))
    ids.update({"goal_id": 2**40, "pledge_id": 2**40, "letter_batch_id": 2**40})  # 404 for all
    ids.update(_texting_world())
    ids.update(_mailings_world(organization, universe.id))
    ids["webhook_id"] = 2**40  # 404 for every role allowed
    ids["api_key_id"] = 2**40  # 404 for all who may manage keys
    ids.update(dict.fromkeys(("drop_id", "piece_id", "link_id"), 2**40))  # mail, links: 404
    return {"user_ids": {role: user.id for role, user in users.items()}, "ids": ids}


def _turf_world(organization) -> dict[str, int]:
    from app.turfs.models import Turf, TurfCut
    from app.walklists.models import WalkList, WalkListKind

    square = "SRID=4326;MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)))"
    cut = TurfCut(organization_id=organization.id, name="matrix", target=50, area=square)
    db.session.add(cut)
    db.session.flush()
    turf = Turf(organization_id=organization.id, name="matrix", cut_id=cut.id, geom=square)
    db.session.add(turf)
    db.session.flush()
    walk_list = WalkList(
        organization_id=organization.id,
        name="matrix",
        code="MATRIX22",
        kind=WalkListKind.TURF,
        turf_id=turf.id,
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    db.session.add(walk_list)
    db.session.flush()
    return {"cut_id": cut.id, "turf_id": turf.id, "list_id": walk_list.id}


def _canvass_world(organization) -> dict[str, int]:
    from sqlalchemy import select

    from app.accounts.models import User
    from app.canvass.defaults import ensure_defaults
    from app.canvass.models import Script, SyncBatch
    from app.knocks.models import ResultCode

    ensure_defaults(organization.id)
    code_id = db.session.scalar(select(ResultCode.id).filter_by(organization_id=organization.id))
    script_id = db.session.scalar(select(Script.id).filter_by(organization_id=organization.id))
    user_id = db.session.scalar(select(User.id).filter_by(organization_id=organization.id))
    batch = SyncBatch(organization_id=organization.id, user_id=user_id)
    db.session.add(batch)
    db.session.flush()
    return {
        "code_id": code_id,
        "script_id": script_id,
        "batch_id": batch.id,
        "subscription_id": 2**40,
    }  # fmt: skip - none: each caller gets 404, never 401/403


def _events_world(organization) -> dict[str, int | str]:
    from app.events.operations import create_event

    start = datetime.now(UTC) + timedelta(days=3)
    shift = {"starts_at": start, "ends_at": start + timedelta(hours=2), "capacity": 5}
    actor = Actor.system(organization.id, "test")
    event = create_event(actor, {"name": "Matrix", "kind": "rally", "shifts": [shift]})
    return {"event_id": event.id, "code": event.code, "token": "no-such-signup",
            "check_in_id": 2**40, "team_id": 2**40, "shift_id": event.shifts[0].id,
            "signup_id": 2**40}  # fmt: skip


def _money_world(organization, person) -> dict[str, int]:
    """A check over the limit (so a flag) on the matrix's person; its election."""
    from datetime import date

    from app.donations.committee import add_election
    from app.donations.models import Method
    from app.donations.operations import record_donation

    actor = Actor.system(organization.id, "test")
    election = add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)})
    gift = {"amount_cents": 400_000, "election_id": election.id, "method": Method.CHECK,
            "received_on": date(2026, 3, 1), "check_number": "1"}  # fmt: skip
    donation, _ = record_donation(actor, gift, person=person)
    return {"donation_id": donation.id, "flag_id": donation.flags[0].id}


def _texting_world() -> dict[str, int]:
    """None of these exist: every role allowed gets 404, never 401/403."""
    names = ("text_campaign_id", "canned_response_id", "conversation_id", "rule_id", "task_id",
             "entry_id")  # fmt: skip
    return dict.fromkeys(names, 2**40)


def _mailings_world(organization, universe_id: int) -> dict[str, int]:
    from app.mailings.operations import create_campaign, create_template

    actor = Actor.system(organization.id, "test")
    parts = {"subject": "Hi", "text_body": "Hello {{ first_name | default('you') }}"}
    template = create_template(actor, {"name": "Matrix", **parts})
    campaign = create_campaign(actor, {"name": "Matrix", "purpose": "updates",
                                       "audience_kind": "universe", "audience_id": universe_id,
                                       **parts})  # fmt: skip
    return {"template_id": template.id, "campaign_id": campaign.id}


def _import_world(organization) -> dict[str, int]:
    from pathlib import Path

    from app.areas.models import Area
    from app.imports.jobs import create_job
    from app.imports.models import ImportKind, ImportMapping

    job = create_job(organization.id, ImportKind.VOTERS, Path("/nonexistent.csv"), layout="pa")
    mapping = ImportMapping(
        organization_id=organization.id,
        name="matrix",
        state="PA",
        columns={"state_key": "ID", "last_name": "LAST", "street": "STREET"},
    )
    area = Area(
        organization_id=organization.id,
        kind="precinct",
        code="0001",
        geom="SRID=4326;MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)))",
    )
    db.session.add_all([mapping, area])
    db.session.flush()
    address_id = create_household(organization).address_id
    return {
        "job_id": job.id,
        "mapping_id": mapping.id,
        "area_id": area.id,
        "address_id": address_id,
    }


def _url(rule: str, ids: dict[str, int]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule)


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize(("method", "rule", "access"), ENDPOINTS, ids=lambda v: str(v))
def test_role_matrix(client, world, role, method, rule, access):
    user = db.session.get(User, world["user_ids"][role])
    tokens = issue_tokens(user)
    token = tokens.refresh_token if access == Access.REFRESH_TOKEN else tokens.access_token
    kwargs = {"json": {}} if method in {"POST", "PATCH", "PUT"} else {}
    response = client.open(_url(rule, world["ids"]), method=method, headers=bearer(token), **kwargs)

    assert response.status_code < 500, response.get_json()
    allowed = not isinstance(access, Permission) or role_has(role, access)
    if allowed:
        assert response.status_code not in (401, 403), response.get_json()
    else:
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("method", "rule", "access"), ENDPOINTS, ids=lambda v: str(v))
def test_signed_out_callers_get_401_except_on_public_endpoints(client, world, method, rule, access):
    kwargs = {"json": {}} if method in {"POST", "PATCH", "PUT"} else {}
    response = client.open(_url(rule, world["ids"]), method=method, **kwargs)
    assert response.status_code < 500, response.get_json()
    if access == Access.PUBLIC:
        assert response.status_code != 401
    else:
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "not_authenticated"
