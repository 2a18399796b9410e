"""Walk lists are made on the turf tests' town: its fixtures, and one committed cut."""

from __future__ import annotations

import pytest

from tests.turfs.conftest import cut, director, headers, org, town, town_world  # noqa: F401 - fixtures


@pytest.fixture
def turf_id(cut) -> int:  # noqa: F811
    return cut["turf_ids"][0]
