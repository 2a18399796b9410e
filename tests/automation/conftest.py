"""Follow-up rules on the texting tests' campaign (texters, people at every kind of phone)."""

from __future__ import annotations

from tests.texting.conftest import (  # noqa: F401 - fixtures
    clock,
    director,
    org,
    organizer,
    other_texter,
    provider,
    texter,
    world,
)


def make_rule(client, headers, *, status=201, **fields):
    body = {"name": "Thank supporters who will volunteer", "trigger": "contact",
            "trigger_params": {"answers": {"support": ["1", "2"], "volunteer": ["yes"]}},
            "delay_minutes": 2 * 24 * 60, "action": "send_text",
            "action_params": {"body": "Thanks {{ first_name }}! A volunteer lead will call you."},
            **fields}  # fmt: skip
    response = client.post("/api/v1/automation/rules", json=body, headers=headers)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def empty_call_list(client, headers, name):
    """A phone bank's call list with nobody on it yet: rules fill it."""
    response = client.post("/api/v1/call-lists", json={"name": name, "empty": True},
                           headers=headers)  # fmt: skip
    assert response.status_code == 201, response.get_json()
    return response.get_json()
