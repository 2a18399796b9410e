"""The console page itself: served offline (vendored Leaflet), tiles optional."""

from __future__ import annotations

import re

from app import create_app
from tests.conftest import TEST_CONFIG


def test_the_console_needs_nothing_from_outside(client):
    page = client.get("/console")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assert 'data-tile-url=""' in html  # no base map unless one is configured
    for asset in (
        "/console/static/vendor/leaflet/leaflet.js",
        "/console/static/vendor/leaflet-geoman/leaflet-geoman.min.js",
        "/console/static/console.js",
    ):
        assert asset in html and client.get(asset).status_code == 200


def test_every_module_the_console_imports_is_served(client):
    served, waiting = set(), ["console.js"]
    while waiting:
        name = waiting.pop()
        module = client.get(f"/console/static/{name}")
        assert module.status_code == 200, name
        served.add(name)
        imported = re.findall(r'from "\./([\w-]+\.js)"', module.get_data(as_text=True))
        waiting.extend(set(imported) - served)
    assert {"api.js", "dom.js", "events.js", "volunteers.js", "event-form.js"} <= served


def test_a_tile_server_can_be_configured(database_url):
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DOORSTEP_TILE_URL": "http://tiles.local:8080/{z}/{x}/{y}.png",
            "DOORSTEP_TILE_ATTRIBUTION": "© OpenStreetMap contributors",
        }
    )
    page = app.test_client().get("/console")
    assert 'data-tile-url="http://tiles.local:8080/{z}/{x}/{y}.png"' in page.get_data(as_text=True)
    assert "img-src 'self' http://tiles.local:8080" in page.headers["Content-Security-Policy"]


def test_the_qr_codes_link_opens_the_canvassing_app(client):
    page = client.get("/claim/K7QM2XPD")
    assert page.status_code == 302 and page.headers["Location"] == "/app/#/claim/K7QM2XPD"
