"""Keying paper sheets on the turf tests' town: the canvass tests' walk list and canvasser."""

from tests.canvass.conftest import canvasser, phone, walk_list  # noqa: F401 - fixtures
from tests.turfs.conftest import cut, director, headers, org, town, town_world  # noqa: F401
