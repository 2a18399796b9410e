"""The one value operations take for who acts (README, the domain-folder paragraph)."""

from __future__ import annotations

import dataclasses

import pytest

from app.core.actor import Actor
from tests.factories import create_organization, create_user


def test_a_signed_in_user_acts_with_their_campaign_and_id(db_session):
    user = create_user(create_organization())
    actor = Actor.of(user)
    assert (actor.organization_id, actor.user_id, actor.label) == (
        user.organization_id,
        user.id,
        user.email,
    )


def test_the_cli_and_the_worker_act_without_a_user_row():
    actor = Actor.system(7, "cli:demo")
    assert (actor.organization_id, actor.user_id, actor.label) == (7, None, "cli:demo")
    with pytest.raises(dataclasses.FrozenInstanceError):
        actor.user_id = 1  # type: ignore[misc]
