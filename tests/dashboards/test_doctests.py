"""The examples in the dashboard's docstrings (the legend's breaks, the "other" area row) run."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "name",
    [
        "app.dashboards.map",
        "app.dashboards.field",
        "app.dashboards.summary",
        "app.dashboards.sources",
    ],
)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted and result.failed == 0
