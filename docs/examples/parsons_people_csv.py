"""Copy Doorstep's people to a CSV with Parsons, and back again.

    DOORSTEP_OSDI_URL=https://doorstep.example.org/api/osdi/v1 \
    DOORSTEP_API_KEY=dsk_... python parsons_people_csv.py export people.csv
    ... python parsons_people_csv.py import people.csv

The key needs the scopes people.read (export) and people.write (import).
"""

import os
import sys

from parsons import ActionNetwork, Table
from parsons.utilities.api_connector import APIConnector


def connect(url: str, key: str) -> ActionNetwork:
    """Parsons' Action Network connector, pointed at Doorstep's OSDI root."""
    an = ActionNetwork(api_token=key)
    an.api_url = url.rstrip("/")
    an.api = APIConnector(an.api_url, headers=an.headers)
    return an


def _primary(items: list, field: str) -> str:
    chosen = [i for i in items if i.get("primary")] or items
    return chosen[0][field] if chosen else ""


def export_people(an: ActionNetwork, path: str) -> int:
    """Every person (all pages) as one CSV row each; returns how many."""
    rows = []
    for person in an.get_people():
        addresses = person.get("postal_addresses") or []
        rows.append({
            "doorstep_id": person["identifiers"][0].split(":", 1)[1],
            "given_name": person.get("given_name") or "",
            "family_name": person.get("family_name") or "",
            "email": _primary(person.get("email_addresses") or [], "address"),
            "phone": _primary(person.get("phone_numbers") or [], "number"),
            "postal_code": addresses[0].get("postal_code", "") if addresses else "",
        })  # fmt: skip
    Table(rows).to_csv(path)
    return len(rows)


def import_people(an: ActionNetwork, path: str) -> int:
    """Each row with an email back in: matched by it (then the phone), updated, or added.
    (Parsons' upsert_person requires an email.)"""
    done = 0
    for row in Table.from_csv(path):
        if not row["email"]:
            continue  # nothing to match on (a voter-file record without an email)
        an.upsert_person(
            email_address=row["email"],
            mobile_number=row["phone"] or None,
            given_name=row["given_name"] or None,
            family_name=row["family_name"] or None,
        )
        done += 1
    return done


if __name__ == "__main__":
    action, path = sys.argv[1], sys.argv[2]
    an = connect(os.environ["DOORSTEP_OSDI_URL"], os.environ["DOORSTEP_API_KEY"])
    count = export_people(an, path) if action == "export" else import_people(an, path)
    print(f"{action}: {count} people")
