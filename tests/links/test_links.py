"""Tracked links: destinations only admins set up, short links to our pages or those, the
redirect (counted per day, nothing about the visitor kept, no open redirect), the sign-ups
that follow (a signed first-party cookie read by the public forms) and the gifts that come
back carrying the source code."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import inspect

from app.extensions import db
from app.links.sources import COOKIE
from tests.mail.conftest import gift_with_reference, headers_of

DONATE = "https://secure.actblue.com/donate/ortiz?amount=25"


@pytest.fixture
def admin(world):
    return headers_of(world.admin_id)


@pytest.fixture
def director(world):
    return headers_of(world.director_id)


def make_destination(client, admin) -> dict:
    response = client.post(
        "/api/v1/link-destinations", headers=admin, json={"name": "Donate", "url": DONATE}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def make_link(client, headers, status=201, **fields) -> dict:
    body = {"name": "October ad", "source_code": "fb-oct-1", "channel": "facebook", **fields}
    response = client.post("/api/v1/links", json=body, headers=headers)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def results(client, headers, link) -> dict:
    return client.get(f"/api/v1/links/{link['id']}", headers=headers).get_json()


def sign_up(client, world, email: str):
    body = {
        "organization": world.slug,
        "first_name": "Rae",
        "last_name": "Reader",
        "email": email,
        "email_consent": True,
    }
    response = client.post("/api/v1/public/volunteers", json=body)
    assert response.status_code == 201, response.get_json()


def test_only_admins_set_up_destinations(client, world, admin, director):
    refused = client.post(
        "/api/v1/link-destinations",
        headers=director,
        json={"name": "Elsewhere", "url": "https://evil.example/"},
    )
    assert refused.status_code == 403
    for url in ("javascript:alert(1)", "https://user@evil.example/", "ftp://files.example"):
        bad = client.post(
            "/api/v1/link-destinations", json={"name": "x", "url": url}, headers=admin
        )
        assert bad.status_code == 422 and "url" in bad.get_json()["error"]["fields"]
    made = make_destination(client, admin)
    listed = client.get("/api/v1/link-destinations", headers=director).get_json()
    assert [d["id"] for d in listed] == [made["id"]]


def test_a_link_to_a_destination_carries_its_source_code(client, world, admin, director):
    link = make_link(client, director, destination_id=make_destination(client, admin)["id"])
    assert link["short_url"].endswith("/l/" + link["code"]) and link["clicks"] == 0
    for _ in range(2):
        followed = client.get(f"/l/{link['code']}")
        assert followed.status_code == 302
    target = urlsplit(followed.headers["Location"])
    assert target.netloc == "secure.actblue.com"
    assert parse_qs(target.query) == {"amount": ["25"], "refcode": ["fb-oct-1"]}
    assert followed.headers["Referrer-Policy"] == "no-referrer"
    assert "HttpOnly" in followed.headers["Set-Cookie"]
    assert results(client, director, link)["clicks"] == 2
    # Clicks are a number per link and day: nothing about who clicked exists to be kept.
    columns = {c["name"] for c in inspect(db.session.connection()).get_columns("link_click_days")}
    assert columns == {"link_id", "day", "clicks"}
    # A gift that comes back with the source code is the link's.
    gift_with_reference(world, "fb-oct-1", 2500)
    got = results(client, director, link)
    assert (got["gifts"], got["gift_cents"]) == (1, 2500)


def test_own_pages_only_and_no_open_redirect(client, world, director):
    for path in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/a b"):
        refused = make_link(client, director, status=422, path=path, source_code="x1")
        assert "path" in refused["error"]["fields"]
    both = make_link(client, director, status=422, path="/", destination_id=1, source_code="x2")
    assert both["error"]["code"] == "target_required"
    link = make_link(client, director, path="/volunteer/" + world.slug)
    followed = client.get(f"/l/{link['code']}?to=https://evil.example/")
    assert urlsplit(followed.headers["Location"]).path == "/volunteer/" + world.slug
    assert urlsplit(followed.headers["Location"]).netloc != "evil.example"
    again = make_link(client, director, status=409, path="/")
    assert again["error"]["code"] == "source_code_taken"
    assert client.get("/l/NOSUCH99").status_code == 404
    assert client.get("/l/" + "A" * 40).status_code == 404
    off = client.patch(f"/api/v1/links/{link['id']}", json={"is_active": False}, headers=director)
    assert off.status_code == 200
    assert urlsplit(client.get(f"/l/{link['code']}").headers["Location"]).path == "/"


def test_sign_ups_after_a_link_carry_its_source(client, world, director):
    link = make_link(client, director, path="/volunteer/" + world.slug)
    sign_up(client, world, "before@example.org")  # no link followed yet
    client.get(f"/l/{link['code']}")
    sign_up(client, world, "rae@example.org")
    assert results(client, director, link)["signups"] == 1
    # A cookie the visitor made up credits nobody.
    client.set_cookie(COOKIE, f"l{link['id']}.forged-signature")
    sign_up(client, world, "forger@example.org")
    assert results(client, director, link)["signups"] == 1


def test_links_are_for_organizers_and_directors(client, world, director):
    page = client.get("/api/v1/links", headers=headers_of(world.organizer_id))
    assert page.status_code == 200
    assert client.get("/api/v1/links", headers=headers_of(world.canvasser_id)).status_code == 403
    assert client.get("/api/v1/links", headers=headers_of(world.finance_id)).status_code == 403
