"""Trust in field data: each knock's distance from the door, and a canvasser's activity with
the signs of made-up knocks flagged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from app.auth.permissions import Role
from tests.canvass.conftest import knock, person_at, sync
from tests.factories import auth_headers, create_user


def test_each_knock_says_how_far_from_the_door_it_was(client, headers, phone, walk_list):
    stop = walk_list["stops"][0]

    def at(dlat, accuracy=10):
        return {"lat": stop["lat"] + dlat, "lon": stop["lon"], "accuracy": accuracy}

    records = [
        knock(walk_list, 0, result="not_home", gps=at(0.0002)),  # about 22 m
        knock(walk_list, 0, result="not_home", gps=at(0.002)),  # about 220 m
        knock(walk_list, 0, result="not_home", gps=at(0.01)),  # about 1.1 km
        knock(walk_list, 0, result="not_home", gps=at(0.0002, accuracy=500)),
        knock(walk_list, 0, result="not_home"),
    ]
    body = sync(client, phone, *records)
    ids = [r["door_knock_id"] for r in body["results"]]
    page = client.get(f"/api/v1/canvass/knocks?walk_list_id={walk_list['id']}&per_page=10",
                      headers=headers).get_json()  # fmt: skip
    trust = {row["id"]: row["gps"] for row in page["items"]}
    assert [trust[i] for i in ids] == ["green", "orange", "red", "no_gps", "no_gps"]
    assert client.get("/api/v1/canvass/knocks", headers=phone).status_code == 403


def test_the_signs_of_made_up_knocks_are_flagged(client, org, headers, phone, canvasser,
                                                 walk_list):  # fmt: skip
    # Twelve "conversations" 5 seconds apart, late at night, a kilometre from the doors.
    zone = ZoneInfo("America/New_York")
    night = datetime.now(zone).replace(hour=22, minute=30, second=0, microsecond=0)
    if night > datetime.now(zone):
        night -= timedelta(days=1)
    records = []
    for n in range(12):
        stop = walk_list["stops"][n]
        records.append(knock(
            walk_list, n, client_at=(night + timedelta(seconds=5 * n)).astimezone(UTC).isoformat(),
            people=[{"person_id": person_at(walk_list, n), "answers": {"support": "1"}}],
            gps={"lat": stop["lat"] + 0.01, "lon": stop["lon"], "accuracy": 8},
        ))  # fmt: skip
    assert sync(client, phone, *records)["applied"] == 12
    honest = create_user(org, Role.CANVASSER)
    client.post(f"/api/v1/walk-lists/{walk_list['id']}/assignments",
                json={"user_ids": [honest.id]}, headers=headers)  # fmt: skip
    day = datetime.now(UTC) - timedelta(minutes=30)
    stop = walk_list["stops"][20]
    sync(client, auth_headers(honest), knock(
        walk_list, 20, result="not_home", client_at=day.isoformat(),
        gps={"lat": stop["lat"], "lon": stop["lon"], "accuracy": 8}))  # fmt: skip
    since = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    rows = client.get("/api/v1/canvass/activity", query_string={"since": since},
                      headers=headers).get_json()  # fmt: skip
    assert isinstance(rows, list), rows
    by_user = {row["user_id"]: row for row in rows}
    faker = by_user[canvasser.id]
    assert (faker["doors"], faker["contacts"], faker["contact_rate"]) == (12, 12, 1.0)
    assert faker["median_seconds_between_doors"] == 5.0
    assert faker["far_from_door"] == 12 and faker["outside_hours"] == 12
    assert set(faker["flags"]) == {"contact_rate_high", "doors_seconds_apart", "far_from_doors",
                                   "outside_hours"}  # fmt: skip
    late = not 9 <= day.astimezone(zone).hour < 21
    assert by_user[honest.id]["flags"] == (["outside_hours"] if late else [])
    assert by_user[honest.id]["doors"] == 1 and by_user[honest.id]["far_from_door"] == 0
