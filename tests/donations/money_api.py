"""The money API's test world: a campaign with its 2026 elections and a user of each role,
and a way to call the API as one of them."""

from __future__ import annotations

from datetime import date

from app.auth.permissions import Role
from app.core.actor import Actor
from app.donations.committee import add_election
from tests.factories import (
    auth_headers,
    create_household,
    create_organization,
    create_person,
    create_user,
)

ON = date(2026, 3, 2)


class Money:
    """A campaign with the 2026 primary and general and a user of every role."""

    def __init__(self, client):
        self.client = client
        self.org = create_organization()
        self.actor = Actor.system(self.org.id, "test")
        self.primary = add_election(self.actor, {"kind": "P", "held_on": date(2026, 5, 19)})
        self.general = add_election(self.actor, {"kind": "G", "held_on": date(2026, 11, 3)})
        self.users = {role: create_user(self.org, role) for role in Role}
        self.headers = {role: auth_headers(user) for role, user in self.users.items()}
        self.homes = {}

    def call(self, method: str, url: str, expect: int, role: Role = Role.FINANCE, **kwargs):
        response = self.client.open(url, method=method, headers=self.headers[role], **kwargs)
        assert response.status_code == expect, (url, response.get_json(silent=True))
        return response.get_json(silent=True)

    def person(self, first="Ada", last="Donor", house="12", **fields):
        if house not in self.homes:  # housemates share the household
            self.homes[house] = create_household(self.org, house_number=house, street="ELM ST")
        home = self.homes[house]
        return create_person(self.org, household=home, first_name=first, last_name=last, **fields)

    def check(self, amount_cents: int, person=None, expect: int = 201, **fields):
        """A check typed at the desk (on ``person`` when given, else from Ada's details)."""
        body = {
            "amount_cents": amount_cents,
            "election_id": self.primary.id,
            "received_on": ON.isoformat(),
            "method": "check",
            "check_number": "1001",
            "employer": "Acme",
            "occupation": "Engineer",
            **fields,
        }
        if person is not None:
            body["person_id"] = person.id
        else:
            body = {
                "first_name": "Ada",
                "last_name": "Donor",
                "street_1": "12 Elm St",
                "city": "Philadelphia",
                "state": "PA",
                "zip": "19104",
                **body,
            }
        return self.call("POST", "/api/v1/donations", expect, json=body)
