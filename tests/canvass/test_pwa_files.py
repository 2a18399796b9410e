"""The canvassing app's files as the server hands them out: every file the worker precaches
exists (one missing file would fail the install and leave no offline app), the worker is made
from the files (its version is their content), the worker and the page are never served
stale, text goes out gzipped, the kiosk's QR reader stays off a canvasser's phone, the
manifest makes it installable."""

from __future__ import annotations

import gzip
import json
import re
import shutil

from app.pages.pwa import PWA_ROOT, service_worker


def served_worker(client) -> str:
    return client.get("/app/sw.js", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)


def listed(source: str, name: str) -> list[str]:
    return json.loads(re.search(rf"const {name} = (\[.*?\]);", source, re.S).group(1))


def test_every_precached_file_is_served(client):
    source = served_worker(client)
    files = listed(source, "SHELL_FILES")
    assert "js/outbox.js" in files and "vendor/idb/idb.umd.js" in files
    for name in files + listed(source, "ON_DEMAND_FILES"):
        response = client.get(f"/app/{'' if name == './' else name}")
        assert response.status_code == 200, name
    # Every script the page loads, and every module, is precached too.
    page = (PWA_ROOT / "index.html").read_text()
    for src in re.findall(r'(?:src|href)="([^"#:]+)"', page):
        assert src in files, src
    for module in (PWA_ROOT / "js").glob("*.js"):
        assert f"js/{module.name}" in files, module.name


def test_the_qr_reader_is_not_part_of_a_canvassers_install(client):
    source = served_worker(client)
    assert "vendor/jsqr/jsQR.js" not in listed(source, "SHELL_FILES")
    assert listed(source, "ON_DEMAND_FILES") == ["vendor/jsqr/jsQR.js"]
    assert "jsQR" not in (PWA_ROOT / "index.html").read_text()


def test_the_worker_version_follows_the_files(tmp_path):
    root = tmp_path / "pwa"
    shutil.copytree(PWA_ROOT, root)
    first, version = service_worker(root)
    assert '"__VERSION__"' not in first and f'const VERSION = "{version}"' in first
    assert service_worker(root)[1] == version  # the same files, the same worker
    door = root / "js" / "door.js"
    door.write_text(door.read_text() + "\n// a fix\n")
    changed = service_worker(root)[1]
    assert changed != version
    (root / "js" / "extra.js").write_text("export const x = 1;\n")
    source, added = service_worker(root)
    assert added not in (version, changed) and "js/extra.js" in listed(source, "SHELL_FILES")
    # The QR reader is part of the version too: a kiosk's cached copy is refreshed.
    (root / "vendor" / "jsqr" / "jsQR.js").write_text("// another release\n")
    assert service_worker(root)[1] != added


def test_text_is_served_gzipped_with_one_etag_per_encoding(client):
    plain = client.get("/app/js/app.js", headers={"Accept-Encoding": "identity"})
    packed = client.get("/app/js/app.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data == (PWA_ROOT / "js/app.js").read_bytes()
    assert len(packed.data) < len(plain.data) / 2
    for response in (plain, packed):
        assert "Accept-Encoding" in response.headers["Vary"]
    assert plain.headers["ETag"] != packed.headers["ETag"]
    revalidate = {"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]}
    again = client.get("/app/js/app.js", headers=revalidate)
    assert again.status_code == 304
    # Pictures are compressed already.
    icon = client.get("/app/icons/icon-512.png", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in icon.headers
    assert client.get("/app/../app/__init__.py").status_code == 404


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


def test_nothing_comes_from_outside():
    for path in [PWA_ROOT / "index.html", PWA_ROOT / "sw.js", *(PWA_ROOT / "js").glob("*.js")]:
        assert not re.search(r"https?://", path.read_text()), path.name


def test_no_screen_module_imports_the_app():
    """The screens are handed what they need (as the kiosk is): none imports app.js."""
    for path in (PWA_ROOT / "js").glob("*.js"):
        assert not re.search(r"from \"\./app\.js\"", path.read_text()), path.name
