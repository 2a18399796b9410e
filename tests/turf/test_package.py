"""turf/ as a library of its own: its public API from the package, its types shipped."""

from __future__ import annotations

import doctest
import importlib
import tomllib
from pathlib import Path

import turf

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_exports_its_public_api():
    """Each name in ``turf.__all__`` is there, and is the one its topic module exports."""
    assert turf.__all__, "turf/__init__.py exports nothing"
    for name in turf.__all__:
        value = getattr(turf, name)
        home = getattr(value, "__module__", None)
        if home is None:  # a constant: find the topic module that lists it
            homes = [
                module
                for module in (importlib.import_module(m) for m in _topic_modules())
                if name in getattr(module, "__all__", ())
            ]
            assert homes, f"{name} is in no topic module's __all__"
        else:
            assert name in importlib.import_module(home).__all__, f"{home} does not export {name}"


def test_the_package_example_runs():
    result = doctest.testmod(turf, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted and result.failed == 0


def test_the_types_ship_with_the_package():
    """PEP 561: the ``py.typed`` marker is in the package and in what the build packs."""
    assert (Path(turf.__file__).parent / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    package_data = config["tool"]["setuptools"]["package-data"]
    assert "py.typed" in package_data.get("turf", []) + package_data.get("*", [])


def _topic_modules() -> list[str]:
    return [f"turf.{p.stem}" for p in Path(turf.__file__).parent.glob("*.py") if p.stem[0] != "_"]
