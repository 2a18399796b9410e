"""Every blueprint's static files go out gzipped to browsers that take it (the console's
scripts and Leaflet, the public pages' script), as the phone app's do."""

from __future__ import annotations

import gzip

import pytest

from app.config import PROJECT_ROOT


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("/console/static/console.js", "app/console/static/console.js"),
        ("/console/static/console.css", "app/console/static/console.css"),
    ],
)
def test_static_text_is_gzipped(client, url, path):
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(packed.data) == plain.data == (PROJECT_ROOT / path).read_bytes()
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304


def test_a_missing_static_file_is_a_404(client):
    assert client.get("/console/static/nothing.js").status_code == 404
    assert client.get("/console/static/../views.py").status_code == 404
