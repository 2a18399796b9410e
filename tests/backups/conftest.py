"""A campaign on a database of its own (a copy of the migrated template), where phones sync,
a backup is taken, and more phones sync: what the restore tests start from. The phones keep
what the canvassing app keeps (static/pwa/js/outbox.js): the epoch they last synced with,
and each acknowledged record with the server's time and epoch."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.auth.permissions import Role
from app.cli import cli
from app.extensions import db
from app.knocks.models import DoorKnock
from app.people.models import Interaction, SurveyAnswer
from tests.canvass.conftest import knock, person_at
from tests.conftest import TEST_CONFIG
from tests.factories import auth_headers, create_organization, create_user
from tests.turfs.conftest import build_town, commit_town_cut

UPLOAD = "1-0123abcd-voters.csv"
_names = itertools.count(1)


def app_on(url: str, tmp: Path, **config) -> Flask:
    """The app on ``url``, with its uploads and backups in ``tmp``."""
    return create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": url,
            "DOORSTEP_UPLOAD_DIR": str(tmp / "uploads"),
            "DOORSTEP_BACKUP_DIR": str(tmp / "backups"),
            **config,
        }
    )


def run_cli(app: Flask, *args: str, exit_code: int = 0) -> str:
    result = app.test_cli_runner().invoke(cli, args=list(args))
    assert result.exit_code == exit_code, result.output
    return result.output


@dataclass
class Phone:
    device: str
    headers: dict[str, str]
    epoch: str | None = None  # the server database's, when this phone last asked
    #: uuid -> (record, when the server acknowledged it (its clock), in which epoch)
    done: dict[str, tuple[dict, datetime, str]] = field(default_factory=dict)

    def sync(self, client: FlaskClient, records: list[dict]) -> list[str]:
        """One batch, as the app sends it; each record's status."""
        response = client.post(
            "/api/v1/canvass/sync",
            json={"device_id": self.device, "records": records},
            headers=self.headers,
        )
        body = response.get_json()
        assert response.status_code == 200, body
        acked_at = datetime.fromisoformat(body["server_time"])
        for record, result in zip(records, body["results"], strict=True):
            if result["status"] in ("applied", "duplicate"):
                self.done[record["uuid"]] = (record, acked_at, body["epoch"])
        return [result["status"] for result in body["results"]]

    def check_epoch(self, client: FlaskClient) -> list[dict]:
        """Ask the server's epoch, as the app does before it syncs: the records to send again
        (those acknowledged in another epoch since the server's ``resend_since``)."""
        known = f"?known={self.epoch}" if self.epoch else ""
        response = client.get(f"/api/v1/canvass/epoch{known}", headers=self.headers)
        body = response.get_json()
        assert response.status_code == 200, body
        since = body["resend_since"] and datetime.fromisoformat(body["resend_since"])
        again = [
            record
            for record, acked_at, epoch in self.done.values()
            if body["resend"] and epoch != body["epoch"] and (not since or acked_at >= since)
        ]
        self.epoch = body["epoch"]
        return again


def totals(app: Flask) -> dict[str, int]:
    """How many knocks (and of each client uuid), history entries and answers are stored."""
    with app.app_context():
        per_uuid = db.session.execute(
            sa.select(DoorKnock.client_uuid, sa.func.count()).group_by(DoorKnock.client_uuid)
        ).all()
        counts = {
            "knocks": db.session.scalar(sa.select(sa.func.count()).select_from(DoorKnock)),
            "interactions": db.session.scalar(sa.select(sa.func.count()).select_from(Interaction)),
            "answers": db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)),
        }
        db.session.remove()
    return {**counts, **{str(uuid): n for uuid, n in per_uuid}}


@dataclass
class Campaign:
    app: Flask
    url: str
    tmp: Path
    phones: list[Phone]
    before: list[list[dict]]  # the batches each phone synced before the backup
    after: list[list[dict]]  # ... and after it
    archive: Path
    totals: dict[str, int]  # what the database held once every batch was in

    def uuids(self, batches: list[list[dict]]) -> set[str]:
        return {record["uuid"] for batch in batches for record in batch}


def _batch(walk_list: dict, stops: range) -> list[dict]:
    """Knocks at ``stops``: not home, and at the first a conversation with answers."""
    first, *rest = stops
    talked = {"person_id": person_at(walk_list, first), "answers": {"support": "2"}}
    return [knock(walk_list, first, people=[talked])] + [
        knock(walk_list, stop, result="not_home") for stop in rest
    ]


@pytest.fixture(scope="module")
def campaign(make_database, tmp_path_factory) -> Iterator[Campaign]:
    """Two phones sync three knocks each, a backup is taken (`doorstep backup`), then each
    syncs three more. An upload waits for the worker throughout."""
    tmp = tmp_path_factory.mktemp("campaign")
    url = make_database(f"doorstep_backups_{next(_names)}")
    app = app_on(url, tmp)
    with app.app_context():
        org = create_organization("Restore Drill")
        director = create_user(org, Role.DIRECTOR)
        canvassers = [create_user(org, Role.CANVASSER) for _ in range(2)]
        town = build_town(org)
        db.session.commit()
        headers = auth_headers(director)
        phones = [Phone(f"phone-{n}", auth_headers(user)) for n, user in enumerate(canvassers, 1)]
        ids = [user.id for user in canvassers]
        db.session.commit()
        db.session.remove()
    client = app.test_client()
    cut = commit_town_cut(client, headers, town)
    response = client.post(
        "/api/v1/walk-lists",
        json={"turf_id": cut["turf_ids"][0], "assignee_ids": ids},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    walk_list = response.get_json()
    (tmp / "uploads").mkdir()
    (tmp / "uploads" / UPLOAD).write_bytes(b"ID Number,Last Name\n1,Doe\n" * 1000)

    before = [_batch(walk_list, range(0, 3)), _batch(walk_list, range(3, 6))]
    after = [_batch(walk_list, range(6, 9)), _batch(walk_list, range(9, 12))]
    for phone, batch in zip(phones, before, strict=True):
        assert phone.check_epoch(client) == []  # a new phone, a database never restored
        assert phone.sync(client, batch) == ["applied"] * 3
    output = run_cli(app, "backup")
    archive = Path(output.split(" (")[0])
    for phone, batch in zip(phones, after, strict=True):
        assert phone.sync(client, batch) == ["applied"] * 3
    campaign = Campaign(app, url, tmp, phones, before, after, archive, totals(app))
    yield campaign
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
