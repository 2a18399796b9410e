"""Our VAN export through Parsons' own VAN connector: each exported canvass response is
posted with ``VAN.apply_response`` to a local stand-in of VAN's API, which checks what VAN
checks (Basic auth of the key and database, the path's person id, a canvass context, a result
code or responses, never both) and keeps the bodies; they are the export's, field for field."""

from __future__ import annotations

import base64
import json
import threading
import warnings

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from app.extensions import db
from app.people.models import Person
from app.voters.models import Registration
from tests.canvass.conftest import knock, person_at, sync
from tests.canvass.test_van_export import map_to_van

with warnings.catch_warnings():
    warnings.simplefilter("ignore", RuntimeWarning)  # Parsons' notice about its extras
    from parsons import VAN
from parsons.utilities.api_connector import APIConnector

KEY = "test-key"


class VanStandIn:
    """``POST /v4/people/{id}/canvassResponses``: 204 for a body VAN would take, else 400."""

    def __init__(self):
        self.received: list[tuple[str, dict]] = []
        self.refused: list[str] = []

    def __call__(self, environ, start_response):
        request = Request(environ)
        problem = self.check(request)
        if problem:
            self.refused.append(problem)
            return Response(json.dumps({"errors": [{"text": problem}]}), 400)(
                environ, start_response
            )
        self.received.append((request.path, request.get_json()))
        return Response(status=204)(environ, start_response)

    def check(self, request) -> str | None:
        expected = "Basic " + base64.b64encode(f"default:{KEY}|0".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return "bad credentials"
        parts = request.path.strip("/").split("/")
        if len(parts) != 4 or parts[:2] != ["v4", "people"] or parts[3] != "canvassResponses":
            return f"no such endpoint {request.path}"
        body = request.get_json(silent=True) or {}
        context = body.get("canvassContext") or {}
        if not all(isinstance(context.get(k), int) for k in ("contactTypeId", "inputTypeId")):
            return "canvassContext needs contactTypeId and inputTypeId"
        if not str(context.get("dateCanvassed", ""))[:4].isdigit():
            return "dateCanvassed is ISO 8601"
        has_code, responses = body.get("resultCodeId") is not None, body.get("responses")
        if has_code == bool(responses):
            return "a resultCodeId or responses, one of them"
        for response in responses or []:
            if response.get("type") not in ("SurveyResponse", "ActivistCode"):
                return "unknown response type"
        return None


@pytest.fixture
def van_api():
    stand_in = VanStandIn()
    server = make_server("127.0.0.1", 0, stand_in)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield stand_in, f"http://127.0.0.1:{server.server_port}/v4/"
    server.shutdown()


def test_parsons_van_posts_our_export_as_is(client, org, headers, phone, walk_list, van_api):
    stand_in, url = van_api
    map_to_van(client, headers, org)
    fan, away, gone = (person_at(walk_list, n) for n in range(3))
    db.session.get(Person, fan).custom_fields = {"van_id": "101"}
    db.session.get(Person, away).custom_fields = {"van_id": "102"}
    db.session.add(Registration(organization_id=org.id, person_id=gone, state="PA",
                                state_key="PA000123"))  # fmt: skip
    db.session.flush()
    sync(client, phone,
         knock(walk_list, 0, people=[{"person_id": fan, "answers": {"support": "1",
                                                                     "volunteer": "yes"}}]),
         knock(walk_list, 1, people=[{"person_id": away, "result": "not_home"}]),
         knock(walk_list, 2, people=[{"person_id": gone, "result": "moved"}]))  # fmt: skip
    exported = client.get("/api/v1/canvass/exports/van", headers=headers).get_json()["items"]
    assert len(exported) == 3

    van = VAN(api_key=KEY, db="MyVoters")
    van.connection.uri = url
    van.connection.api = APIConnector(url, auth=van.connection.auth, data_key="items")
    for item in exported:
        body = item["canvass_response"]
        context = body["canvassContext"]
        person = item["path"].split("/")[1]
        id_type, _, person_id = person.rpartition(":")
        van.apply_response(person_id, body.get("responses"), id_type=id_type or "vanid",
                           contact_type_id=context["contactTypeId"],
                           input_type_id=context["inputTypeId"],
                           date_canvassed=context["dateCanvassed"],
                           result_code_id=body["resultCodeId"])  # fmt: skip

    assert stand_in.refused == []
    sent = dict(stand_in.received)
    for item in exported:
        got = sent[f"/v4/{item['path']}"]
        ours = item["canvass_response"]
        assert got["resultCodeId"] == ours["resultCodeId"]
        assert got.get("responses") == ours.get("responses")
        assert {k: got["canvassContext"][k] for k in ours["canvassContext"]} == ours[
            "canvassContext"
        ]
