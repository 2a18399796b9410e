"""The OpenAPI document covers every route, and its browser works offline."""

from __future__ import annotations

import re
import warnings

from app import create_app
from tests.conftest import TEST_CONFIG


def test_the_spec_documents_every_api_route(app, client):
    spec = client.get("/api/openapi.json").get_json()
    documented = {path for path in spec["paths"]}
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") or rule.rule == "/healthz"
    }
    assert routes <= documented
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert login["security"] == []
    users = spec["paths"]["/api/v1/users"]["get"]
    assert users["security"] == [{"bearerAuth": []}]
    assert users["x-doorstep-access"] == "users.read"


def test_the_spec_documents_the_osdi_routes_and_their_key(app, client):
    spec = client.get("/api/openapi.json").get_json()
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/osdi/v1/")
    }
    assert len(routes) > 30 and routes <= set(spec["paths"])
    people = spec["paths"]["/api/osdi/v1/people"]["get"]
    assert {"osdiApiToken": []} in people["security"]
    assert people["x-doorstep-access"] == "api-key:people.read"
    assert "application/hal+json" in people["responses"]["200"]["content"]
    assert spec["components"]["securitySchemes"]["osdiApiToken"]["name"] == "OSDI-API-Token"


def test_docs_page_works_offline(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        assert client.get(f"/api/docs/assets/{asset}").status_code == 200
    assert client.get("/api/docs/static/api-docs.js").status_code == 200


def test_every_schema_has_a_name_of_its_own():
    """Two rooms' schemas of one name would be renamed silently in the document
    (apispec warns and appends a number): a client could not tell which is which."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://unused/none", **TEST_CONFIG})
    clashes = [str(w.message) for w in caught if "Multiple schemas resolved" in str(w.message)]
    assert clashes == []
