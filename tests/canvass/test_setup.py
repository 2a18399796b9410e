"""Result codes and scripts: the defaults, and a campaign's own."""

from __future__ import annotations

from tests.canvass.conftest import knock, sync


def test_a_phone_gets_the_codes_and_the_default_script(client, phone):
    setup = client.get("/api/v1/canvass/setup", headers=phone).get_json()
    codes = {c["code"]: c for c in setup["result_codes"]}
    assert {"canvassed", "not_home", "refused", "moved", "deceased", "hostile"} <= set(codes)
    assert codes["deceased"]["effect"] == "deceased" and codes["canvassed"]["is_contact"]
    keys = [q["key"] for q in setup["script"]["questions"]]
    assert keys == ["support", "top_issue", "volunteer"]
    volunteer = setup["script"]["questions"][2]
    assert volunteer["show_if"] == {"question": "support", "answers": ["1", "2"]}
    assert setup["script"]["questions"][0]["choices"][0]["label_es"] == "Apoyo firme"


def test_a_director_sets_the_codes_and_scripts(client, headers, phone, walk_list):
    codes = {
        c["code"]: c for c in client.get("/api/v1/canvass/result-codes", headers=headers).get_json()
    }
    retired = client.patch(
        f"/api/v1/canvass/result-codes/{codes['come_back_later']['id']}",
        json={"is_active": False}, headers=headers,
    )  # fmt: skip
    assert retired.status_code == 200 and retired.get_json()["is_active"] is False
    refused = sync(client, phone, knock(walk_list, result="come_back_later"))
    assert refused["results"][0]["code"] == "unknown_result"
    made = client.post(
        "/api/v1/canvass/result-codes",
        json={"code": "no_soliciting", "label": "No Soliciting sign", "effect": "do_not_contact"},
        headers=headers,
    )
    assert made.status_code == 201
    again = client.post("/api/v1/canvass/result-codes",
                        json={"code": "no_soliciting", "label": "x"}, headers=headers)  # fmt: skip
    assert again.status_code == 409
    assert client.post("/api/v1/canvass/result-codes", json={"code": "x"},
                       headers=phone).status_code == 403  # fmt: skip

    script = {
        "name": "Spring script",
        "is_default": True,
        "questions": [
            {"key": "support", "prompt": "Support?", "kind": "support"},
            {"key": "sign", "prompt": "Yard sign?", "kind": "yes_no", "tag": "yard sign",
             "show_if": {"question": "support", "answers": ["1"]}},
        ],
    }  # fmt: skip
    response = client.post("/api/v1/canvass/scripts", json=script, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert len(response.get_json()["questions"][0]["choices"]) == 5  # support gets 1-5
    setup = client.get("/api/v1/canvass/setup", headers=phone).get_json()
    assert setup["script"]["name"] == "Spring script"
    assert [s["name"] for s in client.get("/api/v1/canvass/scripts", headers=headers).get_json()
            if s["is_default"]] == ["Spring script"]  # fmt: skip

    bad = {**script, "questions": [script["questions"][1], script["questions"][0]]}
    refused = client.post("/api/v1/canvass/scripts", json=bad, headers=headers)
    assert refused.status_code == 422
    assert "questions.0.show_if.question" in refused.get_json()["error"]["fields"]
    wrong = {**script, "questions": [{"key": "issue", "prompt": "?", "kind": "single",
                                      "choices": [{"value": "a", "label": "A"}]}]}  # fmt: skip
    assert client.post("/api/v1/canvass/scripts", json=wrong, headers=headers).status_code == 422


def test_a_script_is_replaced_with_the_same_keys(client, headers):
    scripts = client.get("/api/v1/canvass/scripts", headers=headers).get_json()
    default = scripts[0]
    body = {
        "name": "Door script, v2",
        "is_default": True,
        "questions": [
            {"key": "support", "prompt": "Will you vote for us?", "kind": "support"},
            {"key": "top_issue", "prompt": "Top issue?", "kind": "text"},
        ],
    }
    response = client.put(f"/api/v1/canvass/scripts/{default['id']}", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()
    again = response.get_json()
    assert [q["key"] for q in again["questions"]] == ["support", "top_issue"]
    assert again["questions"][1]["kind"] == "text" and again["name"] == "Door script, v2"
