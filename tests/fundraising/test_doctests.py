"""The examples in the docstrings (the ask formula, levels, the small-place fold) run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "app.fundraising.asks",
    "app.fundraising.attendees",
    "app.fundraising.messages",
    "app.fundraising.totals",
    "app.universes.donors",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted and result.failed == 0
