"""The ``donor`` key of universes: giving history from the running summaries. Finance and admins
filter on amounts; directors and organizers only on whether a person is a donor, wherever the
filter is loaded or compiled (an ad hoc count, a saved universe someone else made)."""

from __future__ import annotations

from datetime import date

import pytest

from app.accounts.models import User
from app.auth.permissions import Role
from app.core.actor import Actor
from app.donations.committee import add_election
from app.donations.models import Method
from app.extensions import db
from app.universes.operations import create_universe
from tests.donations.conftest import gift
from tests.factories import auth_headers, create_organization, create_person, create_user

C = 2026  # "this cycle" is given outright: the tests do not depend on today's date


@pytest.fixture(scope="module")
def world(committed_world):
    return committed_world(_build)


def _build() -> dict:
    org = create_organization()
    actor = Actor.system(org.id, "test")
    users = {role: create_user(org, role).id for role in Role}
    primary = add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)})
    general = add_election(actor, {"kind": "G", "held_on": date(2026, 11, 3)})
    old = add_election(actor, {"kind": "G", "held_on": date(2024, 11, 5)})
    people = {
        name: create_person(org, first_name=name, last_name="Giver")
        for name in ("Max", "Rec", "Lapsed", "Never", "Cash")
    }
    on = {"received_on": date(2026, 3, 1)}
    gift(actor, primary, 350_000, person=people["Max"], **on)  # maxed out for the primary
    gift(actor, general, 1_000, person=people["Max"], **on)
    gift(
        actor, primary, 2_500, person=people["Rec"], method=Method.CARD, recurring_series="R1", **on
    )
    gift(actor, old, 10_000, person=people["Lapsed"], received_on=date(2024, 6, 1))
    gift(actor, primary, 5_000, person=people["Cash"], method=Method.CASH, **on)
    gift(
        actor,
        general,
        4_000,
        person=people["Cash"],
        method=Method.CHECK,
        received_on=date(2026, 4, 2),
    )
    saved = create_universe(
        Actor.system(org.id, "admin"),
        name="Big givers",
        filter={"donor": {"total_ever": {"min": 100_000}}},
    )
    ids = {name: person.id for name, person in people.items()}
    return {"users": users, "people": ids, "universe_id": saved.id}


def _headers(world, role):
    return auth_headers(db.session.get(User, world["users"][role]))


def _count(client, world, role, donor):
    return client.post(
        "/api/v1/universes/count", json={"filter": {"donor": donor}}, headers=_headers(world, role)
    )


@pytest.mark.parametrize(
    ("donor", "targets"),
    [
        ({"is_donor": True}, 4),
        ({"is_donor": False}, 1),  # Never
        ({"total_cycle": {"min": 100_000}, "cycle": C}, 1),  # Max
        ({"total_cycle": {"max": 0}, "cycle": C}, 1),  # Lapsed: donors only, none this cycle
        ({"total_ever": {"min": 2_500, "max": 9_000}}, 2),  # Rec, Cash (Lapsed gave 10,000)
        ({"largest": {"min": 5_000}}, 3),  # Max, Lapsed, Cash
        ({"gifts": {"min": 2}}, 2),  # Max, Cash
        ({"last_gift_on": {"min": "2026-04-01"}}, 1),  # Cash
        ({"maxed_out": True, "cycle": C}, 1),
        ({"maxed_out": False, "cycle": C}, 3),
        ({"lapsed": True, "cycle": C}, 1),
        ({"recurring": True}, 1),
        ({"methods": ["cash", "card"]}, 2),  # Rec, Cash
        ({"methods": ["check"], "gifts": {"min": 2}, "cycle": C, "maxed_out": False}, 1),
    ],
    ids=lambda v: str(v) if isinstance(v, int) else ",".join(v),
)
def test_finance_and_admins_filter_on_giving(client, world, donor, targets):
    response = _count(client, world, Role.ADMIN, donor)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["targets"] == targets


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.ORGANIZER])
def test_directors_and_organizers_see_who_is_a_donor_and_nothing_more(client, world, role):
    assert _count(client, world, role, {"is_donor": True}).get_json()["targets"] == 4
    for donor in ({"total_ever": {"min": 1}}, {"lapsed": True}, {"methods": ["cash"]}):
        response = _count(client, world, role, donor)
        assert response.status_code == 403
        error = response.get_json()["error"]
        assert error["code"] == "donor_amounts_forbidden"
        assert list(error["fields"]) == [f"donor.{next(iter(donor))}"]


def test_a_saved_universe_with_amounts_runs_for_no_one_without_donations_read(client, world):
    url = f"/api/v1/universes/{world['universe_id']}/count"
    assert client.get(url, headers=_headers(world, Role.ADMIN)).get_json()["targets"] == 1
    response = client.get(url, headers=_headers(world, Role.DIRECTOR))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "donor_amounts_forbidden"
    response = client.post(
        "/api/v1/universes",
        headers=_headers(world, Role.DIRECTOR),
        json={"name": "Mine", "filter": {"donor": {"largest": {"min": 1}}}},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("donor", "field"),
    [
        ({}, "is_donor"),
        ({"cycle": 2026}, "is_donor"),
        ({"is_donor": False, "recurring": True}, "is_donor"),
        ({"cycle": 2025, "is_donor": True}, "cycle"),
        ({"total_ever": {"min": 5, "max": 1}}, "total_ever"),
        ({"last_gift_on": {"min": "2026-02-30"}}, "last_gift_on"),
        ({"last_gift_on": {"min": "2026-05-01", "max": "2026-04-01"}}, "last_gift_on"),
        ({"methods": ["bitcoin"]}, "methods"),
    ],
)
def test_bad_donor_filters_are_refused_naming_the_field(client, world, donor, field):
    response = _count(client, world, Role.ADMIN, donor)
    assert response.status_code == 422, response.get_json()
    assert field in str(response.get_json()["error"]["fields"])
