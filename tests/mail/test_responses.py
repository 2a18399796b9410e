"""Responses through a piece's code: the visit (counted, in the addressee's history once), a
sign-up on a public form after it (in the signer's history, the drop's results), a gift that
comes back carrying the code; the QR code of a piece."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import text

from app.extensions import db
from app.people.models import Person
from tests.mail.conftest import gift_with_reference, headers_of, mail_file, make_drop


def _history(person_id: int) -> list[tuple[str, str]]:
    return [
        tuple(row)
        for row in db.session.execute(
            text(
                "SELECT result, data->>'via' FROM interactions "
                "WHERE kind = 'mail' AND person_id = :p ORDER BY id"
            ),
            {"p": person_id},
        )
    ]


def test_a_visit_and_a_sign_up_through_a_piece(client, world, headers):
    drop = make_drop(client, headers, path=f"/volunteer/{world.slug}")
    row = next(r for r in mail_file(client, headers, drop) if r["name"] == "Kim Park")
    code = row["code"]
    for typed in (code, code.lower()[:4] + "-" + code.lower()[4:]):  # as typed off the card
        visit = client.get(f"/p/{typed}")
        assert visit.status_code == 302
        assert urlsplit(visit.headers["Location"]).path == f"/volunteer/{world.slug}"
    assert _history(world.people["KIM"]) == [("visited", "visit")]  # the first visit only
    body = {
        "organization": world.slug,
        "first_name": "Kim",
        "last_name": "Park",
        "email": "kim@example.org",
    }
    assert client.post("/api/v1/public/volunteers", json=body).status_code == 201
    signer = db.session.execute(
        text("SELECT person_id FROM person_emails WHERE address = 'kim@example.org'")
    ).scalar_one()
    assert ("responded", "signup") in _history(signer)
    got = client.get(f"/api/v1/mail-drops/{drop['id']}", headers=headers).get_json()
    assert (got["visited"], got["visits"], got["signups"]) == (1, 2, 1)
    assert client.get("/p/NOSUCHCODE").status_code == 404


def test_a_gift_carrying_a_pieces_code_is_the_drops(client, world, headers):
    admin = headers_of(world.admin_id)
    destination = client.post(
        "/api/v1/link-destinations",
        headers=admin,
        json={"name": "Donate", "url": "https://secure.actblue.com/donate/ortiz"},
    ).get_json()
    drop = make_drop(client, headers, destination_id=destination["id"])
    code = mail_file(client, headers, drop)[0]["code"]
    target = urlsplit(client.get(f"/p/{code}").headers["Location"])
    assert target.netloc == "secure.actblue.com" and parse_qs(target.query) == {"refcode": [code]}
    gift_with_reference(world, code, 5000)
    body = {"mailed_on": "2026-10-01", "cost_cents": 40000}
    mailed = client.post(f"/api/v1/mail-drops/{drop['id']}/mailed", json=body, headers=headers)
    got = mailed.get_json()
    assert (got["gifts"], got["gift_cents"]) == (1, 5000)
    assert got["cost_per_response_cents"] == 20000  # a visit and a gift


def test_a_pieces_qr_code(client, world, headers):
    drop = make_drop(client, headers)
    piece_id = mail_file(client, headers, drop)[0]["piece_id"]
    qr = client.get(f"/api/v1/mail-drops/{drop['id']}/pieces/{piece_id}/qr.svg", headers=headers)
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert b"<svg" in qr.data
    missing = client.get(f"/api/v1/mail-drops/{drop['id']}/pieces/999999/qr.svg", headers=headers)
    assert missing.status_code == 404


def test_a_visit_goes_to_the_first_recipient_who_may_still_get_post(client, world, headers):
    drop = make_drop(client, headers)
    row = next(r for r in mail_file(client, headers, drop) if r["name"] == "Maria & José Ortiz")
    db.session.get(Person, world.people["MARIA"]).is_deceased = True  # since the draft
    db.session.flush()
    assert client.get(f"/p/{row['code']}").status_code == 302
    assert _history(world.people["MARIA"]) == []
    assert _history(world.people["JOSÉ"]) == [("visited", "visit")]
