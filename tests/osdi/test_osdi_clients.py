"""Real clients over a real HTTP listener: Parsons' ActionNetwork connector (as a Parsons
user points it at Doorstep), a client written from the OSDI documents alone (plain
requests, links only), and the CSV round trip of docs/open-api.md's Parsons script.

The module serves one database of its own (a copy of the migrated template; the client's
writes are committed), built once. The walk makes ~150 requests over HTTP: 7-10 s on the
contended 2-core machine, the others a second or two."""

from __future__ import annotations

import importlib.util
import warnings
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.people.models import Person
from tests.browsers import serve
from tests.osdi.world import PEOPLE, build_world

DOCS = Path(__file__).resolve().parents[2] / "docs"
with warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)  # Parsons' notice about its extras
    from parsons import ActionNetwork  # noqa: F401 - imported once, the notice silenced


def _script():
    spec = importlib.util.spec_from_file_location(
        "parsons_people_csv", DOCS / "examples" / "parsons_people_csv.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def live(make_database):
    for server in serve(make_database, "doorstep_osdi_clients"):
        yield server, server.run(build_world)


@pytest.fixture(scope="module")
def an(live):
    server, world = live
    return _script().connect(f"{server.url}/api/osdi/v1", world["key"])


def test_parsons_lists_people_and_tags_across_pages(live, an):
    people = an.get_people()
    assert people.num_rows == PEOPLE  # two pages, and the empty third one ends the walk
    assert "Protected" not in people["family_name"]
    tags = an.get_tags()
    assert tags.num_rows == PEOPLE and "secret-tag" not in tags["name"]
    filtered = an.get_people(filter="email_address eq 'p00@example.org'")
    assert filtered.num_rows == 1 and filtered[0]["given_name"] == "P00"


def test_parsons_upserts_updates_tags_and_makes_events(live, an):
    server, world = live
    made = an.upsert_person(
        email_address="nia@example.org",
        given_name="Nia",
        family_name="New",
        tags=["parsons"],
        mobile_number="215-555-0100",
        mobile_status="subscribed",
        shirt="M",
    )
    person_id = made["identifiers"][0].split(":")[1]
    assert made["created_date"] == made["modified_date"] and made["custom_fields"] == {"shirt": "M"}
    again = an.upsert_person(email_address="nia@example.org", family_name="Newer")
    assert again["identifiers"] == made["identifiers"] and again["family_name"] == "Newer"
    an.update_person(person_id, given_name="Nina", custom_fields={"team": "north"})
    person = an.get_person(person_id)
    assert (person["given_name"], person["custom_fields"]) == (
        "Nina",
        {"shirt": "M", "team": "north"},
    )
    assert person["phone_numbers"][0]["status"] == "subscribed"

    tag = next(t for t in an.get_tags() if t["name"] == "parsons")
    tag_id = tag["_links"]["self"]["href"].rsplit("/", 1)[-1]
    other = world["first_id"]
    link = {"_links": {"osdi:person": {"href": f"{server.url}/api/osdi/v1/people/{other}"}}}
    an.create_tagging(tag_id, link)
    tagged = {
        t["_links"]["osdi:person"]["href"].rsplit("/", 1)[-1] for t in an.get_taggings(tag_id)
    }
    assert tagged == {person_id, str(other)}
    an.delete_tagging(tag_id, other)
    assert an.get_taggings(tag_id).num_rows == 1

    start = (datetime.now() + timedelta(days=5)).replace(microsecond=0)
    event = an.create_event(
        "Phone bank",
        start_date=start,
        location={
            "venue": "Hall",
            "address_lines": ["1 Main St"],
            "locality": "Philadelphia",
            "region": "PA",
        },
    )
    assert event["event_id"].isdigit() and event["title"] == "Phone bank"
    assert an.get_event(event["event_id"])["location"]["venue"] == "Hall"

    def labels():
        return set(
            db.session.scalars(
                select(AuditEvent.actor_label).where(
                    AuditEvent.organization_id == world["org_id"],
                    AuditEvent.request_id.is_not(None),
                    AuditEvent.action.in_(["person.create", "person.update", "events.create"]),
                )
            )
        )

    assert server.run(labels) == {"api-key:parsons"}


def test_a_client_from_the_osdi_documents_walks_every_collection_by_links(live):
    server, world = live
    session = requests.Session()
    session.headers["OSDI-API-Token"] = world["key"]
    aep = session.get(f"{server.url}/api/osdi/v1/").json()
    assert aep["osdi_version"] == "1.2"
    names = [
        rel.split(":", 1)[1]
        for rel in aep["_links"]
        if rel.startswith("osdi:") and not rel.endswith("_helper")
    ]
    assert set(names) == {
        "people",
        "tags",
        "lists",
        "questions",
        "scripts",
        "canvassing_efforts",
        "events",
        "fundraising_pages",
        "donations",
    }
    seen: dict[str, int] = {}

    def walk(name: str, href: str, depth: int) -> None:
        total = None
        while href:
            page = session.get(href)
            assert page.status_code == 200, (href, page.text)
            body = page.json()
            items = body["_embedded"][f"osdi:{name}"]
            total = body["total_records"] if total is None else total
            seen[name] = seen.get(name, 0) + len(items)
            for n, item in enumerate(items):
                assert item["identifiers"][0].startswith("doorstep:")
                assert item["created_date"] is None or item["created_date"].endswith("Z")
                one = session.get(item["_links"]["self"]["href"])
                assert one.status_code == 200, item["_links"]["self"]
                if depth == 0 and n == 0:  # a page's first item's own collections
                    for rel, sub in item["_links"].items():
                        if rel in {
                            "osdi:taggings",
                            "osdi:items",
                            "osdi:attendances",
                            "osdi:canvasses",
                            "osdi:donations",
                            "osdi:answers",
                        }:
                            walk(rel.split(":")[1], sub["href"], depth + 1)
            href = body["_links"].get("next", {}).get("href")

    for name in names:
        walk(name, aep["_links"][f"osdi:{name}"]["href"], 0)
    for name in [*names, "taggings", "items", "attendances", "canvasses", "answers"]:
        assert seen.get(name), f"nothing reached in {name}"


def test_the_docs_script_copies_people_to_a_csv_and_back(live, an, tmp_path):
    server, world = live
    script = _script()
    shown = (DOCS / "open-api.md").read_text()
    assert (DOCS / "examples" / "parsons_people_csv.py").read_text() in shown  # as tested
    path = tmp_path / "people.csv"
    count = script.export_people(an, str(path))
    lines = path.read_text().splitlines()
    assert count == len(lines) - 1 >= PEOPLE
    assert lines[0] == "doorstep_id,given_name,family_name,email,phone,postal_code"
    edited = [line.replace("P00,Live", "P00,Renamed") for line in lines]
    path.write_text("\n".join(edited) + "\n")
    assert script.import_people(an, str(path)) >= 1

    def renamed():
        return db.session.get(Person, world["first_id"]).last_name

    assert server.run(renamed) == "Renamed"
