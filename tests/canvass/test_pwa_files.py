"""The canvassing app's files as the server hands them out: every file the worker precaches
exists (one missing file would fail the install and leave no offline app), the worker and
the page are never served stale, the manifest makes it installable."""

from __future__ import annotations

import json
import re

from app.pages.views import PWA_ROOT


def shell_files() -> list[str]:
    source = (PWA_ROOT / "sw.js").read_text()
    listed = re.search(r"const SHELL_FILES = \[(.*?)\];", source, re.S).group(1)
    return re.findall(r'"([^"]+)"', listed)


def test_every_precached_file_is_served(client):
    files = shell_files()
    assert "js/outbox.js" in files and "vendor/idb/idb.umd.js" in files
    for name in files:
        response = client.get(f"/app/{'' if name == './' else name}")
        assert response.status_code == 200, name
    # Every script the page loads is precached too.
    page = (PWA_ROOT / "index.html").read_text()
    for src in re.findall(r'(?:src|href)="([^"#:]+)"', page):
        assert src in files, src


def test_the_worker_and_the_page_are_checked_for_updates(client):
    for path in ("/app/", "/app/sw.js", "/app/manifest.webmanifest"):
        assert client.get(path).headers["Cache-Control"] == "no-cache", path
    assert "javascript" in client.get("/app/sw.js").mimetype


def test_the_manifest_makes_it_installable(client):
    manifest = json.loads(client.get("/app/manifest.webmanifest").data)
    assert manifest["start_url"] == "/app/" and manifest["scope"] == "/app/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(f"/app/{icon['src']}").status_code == 200


def test_nothing_comes_from_outside(client):
    for name in ("index.html", "js/app.js", "js/door.js", "js/outbox.js", "sw.js"):
        text = (PWA_ROOT / name).read_text()
        assert not re.search(r"https?://", text), name
