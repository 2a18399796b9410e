"""The rooms import in one direction (README: "Architecture: one direction").

``lint-imports`` checks the contracts in pyproject.toml ([tool.importlinter]): the layer order,
and that only entry points import a room's views. Imports inside functions count too.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import app as app_package

ROOT = Path(__file__).resolve().parents[2]


def test_rooms_import_downward_only():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    broken = result.stdout[result.stdout.find("Broken contracts") :]
    print(result.stdout[-3000:])
    assert result.returncode == 0, f"upward imports:\n{broken}\n{result.stderr}"


def _connects(path: Path) -> bool:
    """Does this module connect a signal receiver, register a periodic task or a kind of
    synced record (``app.canvass.record_types``)?"""
    for node in ast.walk(ast.parse(path.read_text())):
        function = getattr(node, "func", None) if isinstance(node, ast.Call) else None
        registers = isinstance(function, ast.Attribute) and function.attr == "register"
        if registers and getattr(function.value, "id", None) == "record_types":
            return True
        for decorator in getattr(node, "decorator_list", []):
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(target, ast.Attribute) and target.attr == "connect":
                return True
            # The periodic-task registry, and automation's triggers (each connects its signal).
            if isinstance(target, ast.Name) and target.id in ("periodic_task", "trigger"):
                return True
    return False


def test_create_app_imports_every_module_that_connects():
    """A receiver connects when its module is imported: create_app imports them all, so the
    CLI and the worker react to a merge or a commit as the web app does."""
    found = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in (ROOT / "app").rglob("*.py")
        if _connects(path)
    }
    assert found == set(app_package.CONNECTED_MODULES)
