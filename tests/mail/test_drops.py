"""Mail drops: pieces per household or person, names and addresses as a mail house wants them,
suppressions read when the file is written and when the drop is recorded, the drop written in
every recipient's history in one statement, the file's read audited, bad input refused."""

from __future__ import annotations

from sqlalchemy import text

from app.audit.models import AuditEvent
from app.extensions import db
from app.mail import operations
from app.people.models import Person
from tests.mail.conftest import MAILABLE, headers_of, mail_file, make_drop, make_universe


def test_one_piece_per_household_with_envelope_names(client, world, headers):
    drop = make_drop(client, headers)
    assert drop["status"] == "draft" and drop["quantity"] == 4
    rows = {row["name"]: row for row in mail_file(client, headers, drop)}
    assert set(rows) == {"Maria & José Ortiz", "The Ortiz Household", "Kim Park", "Mia Moved"}
    ortiz = rows["Maria & José Ortiz"]
    assert (ortiz["address_1"], ortiz["city"], ortiz["state"], ortiz["zip"]) == (
        "12 S 59th St",
        "Philadelphia",
        "PA",
        "19104",
    )
    assert ortiz["salutation"] == "Dear Maria and José" and ortiz["recipients"] == "2"
    assert rows["The Ortiz Household"]["address_2"] == "Unit 2F"
    # A mailing address wins over home; one who moved is mailed there, and only there.
    assert rows["Kim Park"]["address_1"] == "PO Box 5"
    assert (rows["Mia Moved"]["address_1"], rows["Mia Moved"]["state"]) == ("9 Oak Lane", "NJ")
    codes = {row["code"] for row in rows.values()}
    assert len(codes) == 4 and all(len(code) == 8 for code in codes)
    assert all(row["response_url"].endswith("/p/" + row["code"]) for row in rows.values())


def test_one_piece_per_person_leaves_out_who_may_get_no_post(client, world, headers):
    drop = make_drop(client, headers, per_household=False, with_codes=False)
    rows = mail_file(client, headers, drop)
    names = {row["name"].split()[0].upper() for row in rows}
    assert names == MAILABLE and drop["quantity"] == len(MAILABLE)
    assert all(row["code"] == "" and row["response_url"] == "" for row in rows)


def test_suppressions_are_read_when_the_file_is_written(client, world, headers, org):
    drop = make_drop(client, headers)
    operations.set_do_not_mail(db.session.get(Person, world.people["JOSÉ"]), True)
    db.session.get(Person, world.people["SAM"]).is_deceased = True
    db.session.flush()
    rows = {row["name"]: row for row in mail_file(client, headers, drop)}
    assert "Maria Ortiz" in rows and rows["Maria Ortiz"]["salutation"] == "Dear Maria"
    assert rows["Ana & Luis Ortiz"]["recipients"] == "2"


def test_a_mailed_drop_is_in_every_recipients_history(client, world, headers):
    drop = make_drop(client, headers)
    db.session.get(Person, world.people["KIM"]).confidential = True  # since the draft
    db.session.flush()
    body = {"mailed_on": "2026-10-20", "vendor": "Mail House Inc", "cost_cents": 123456}
    response = client.post(f"/api/v1/mail-drops/{drop['id']}/mailed", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    mailed = response.get_json()
    assert (mailed["status"], mailed["quantity"], mailed["recipients"]) == ("mailed", 3, 6)
    assert (mailed["cost_cents"], mailed["cost_per_piece_cents"]) == (123456, 41152)
    written = db.session.execute(
        text(
            "SELECT person_id, result, (data->>'piece_id')::bigint AS piece FROM interactions "
            "WHERE kind = 'mail' AND (data->>'drop_id')::bigint = :drop"
        ),
        {"drop": drop["id"]},
    ).all()
    by_id = {v: k for k, v in world.people.items()}
    assert {by_id[row.person_id] for row in written} == MAILABLE - {"KIM"}
    assert {row.result for row in written} == {"mailed"} and len({r.piece for r in written}) == 3
    again = client.post(f"/api/v1/mail-drops/{drop['id']}/mailed", json=body, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_mailed"
    audit = db.session.query(AuditEvent).filter_by(action="mail_drops.mail").one()
    assert audit.changes["recipients"] == 6


def test_the_mail_file_read_is_audited(client, world, headers):
    drop = make_drop(client, headers)
    mail_file(client, headers, drop)
    read = db.session.query(AuditEvent).filter_by(action="mail_drops.file").one()
    assert read.changes["rows"] == len(MAILABLE) and read.changes["pieces"] == 4


def test_mailing_address_and_do_not_mail_by_api(client, world, headers):
    person_id = world.people["MARIA"]
    body = {"line1": "PO Box 77", "city": "Philadelphia", "state": "pa", "zip": "19143"}
    put = client.put(f"/api/v1/people/{person_id}/mailing-address", json=body, headers=headers)
    assert put.status_code == 200 and put.get_json()["state"] == "PA"
    rows = {row["name"]: row for row in mail_file(client, headers, make_drop(client, headers))}
    assert rows["Maria & José Ortiz"]["address_1"] == "PO Box 77"
    bad = client.put(
        f"/api/v1/people/{person_id}/mailing-address", json={**body, "zip": "1"}, headers=headers
    )
    assert bad.status_code == 422 and "zip" in bad.get_json()["error"]["fields"]
    stop = client.put(
        f"/api/v1/people/{person_id}/do-not-mail", json={"do_not_mail": True}, headers=headers
    )
    assert stop.status_code == 200
    rows = {row["name"] for row in mail_file(client, headers, make_drop(client, headers))}
    assert "José Ortiz" in rows and "Maria & José Ortiz" not in rows


def test_bad_drops_are_refused_by_name(client, world, headers):
    universe = make_universe(client, headers)
    for fields, field in [
        ({"path": "//evil.example/x"}, "path"),
        ({"path": "https://evil.example"}, "path"),
        ({"destination_id": 99999}, "destination_id"),
        ({"name": ""}, "name"),
    ]:
        refused = make_drop(client, headers, status=422, universe_id=universe, **fields)
        assert field in refused["error"]["fields"], refused
    assert (
        make_drop(client, headers, status=404, universe_id=99999)["error"]["code"]
        == "universe_not_found"
    )
    nobody = make_universe(client, headers, party=["X"])
    assert (
        make_drop(client, headers, status=422, universe_id=nobody)["error"]["code"]
        == "no_recipients"
    )
    drop = make_drop(client, headers, universe_id=universe)
    bad = client.post(
        f"/api/v1/mail-drops/{drop['id']}/mailed",
        json={"mailed_on": "2026-10-20", "cost_cents": -1},
        headers=headers,
    )
    assert bad.status_code == 422 and "cost_cents" in bad.get_json()["error"]["fields"]


def test_canvassers_and_finance_may_not_mail(client, world, headers):
    for user_id in (world.canvasser_id,):
        assert client.get("/api/v1/mail-drops", headers=headers_of(user_id)).status_code == 403
    organizer = headers_of(world.organizer_id)
    assert client.get("/api/v1/mail-drops", headers=organizer).status_code == 200
