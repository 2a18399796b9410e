"""The canvassing app's service worker, made from the files it serves: its version is a hash
of their content and its install list is every file a canvasser needs, so a release changes
the worker exactly when a file changed, and nobody edits a list by hand."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from app.config import PROJECT_ROOT

#: The canvasser PWA: plain files, no build step, served under /app/ (the worker's scope).
PWA_ROOT = PROJECT_ROOT / "static" / "pwa"
#: What a phone installs (patterns under PWA_ROOT; the map's library is parsed only when the
#: map opens, but kept for a map with no signal).
SHELL_PATTERNS = (
    "index.html", "manifest.webmanifest", "css/*.css", "js/*.js", "vendor/idb/*.js",
    "vendor/leaflet/*.js", "vendor/leaflet/*.css", "icons/*.png",
)  # fmt: skip
#: Cached only once a screen asks for them: the kiosk camera's QR reader (250 KB), which a
#: canvasser's phone never needs.
ON_DEMAND_PATTERNS = ("vendor/jsqr/*.js",)
WORKER = "sw.js"


def _matching(root: Path, patterns: tuple[str, ...]) -> list[str]:
    return sorted({p.relative_to(root).as_posix() for pat in patterns for p in root.glob(pat)})


def _fingerprint(root: Path) -> tuple:
    """Names, sizes and times of every file the worker is made from (cheap to read)."""
    names = [WORKER, *_matching(root, SHELL_PATTERNS + ON_DEMAND_PATTERNS)]
    return tuple((n, (root / n).stat().st_mtime_ns, (root / n).stat().st_size) for n in names)


@lru_cache(maxsize=8)
def _build(root: Path, fingerprint: tuple) -> tuple[str, str]:
    shell = _matching(root, SHELL_PATTERNS)
    on_demand = _matching(root, ON_DEMAND_PATTERNS)
    digest = hashlib.sha256()
    for name, _, _ in fingerprint:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    version = digest.hexdigest()[:16]
    source = (root / WORKER).read_text()
    worker = (
        source.replace('"__VERSION__"', json.dumps(version))
        .replace("__SHELL_FILES__", json.dumps(["./", *shell], indent=2))
        .replace("__ON_DEMAND_FILES__", json.dumps(on_demand))
    )
    return worker, version


def service_worker(root: Path = PWA_ROOT) -> tuple[str, str]:
    """The worker's source with its version and file lists filled in, and the version."""
    return _build(root, _fingerprint(root))


def shell_files(root: Path = PWA_ROOT) -> list[str]:
    return ["./", *_matching(root, SHELL_PATTERNS)]


def on_demand_files(root: Path = PWA_ROOT) -> list[str]:
    return _matching(root, ON_DEMAND_PATTERNS)
