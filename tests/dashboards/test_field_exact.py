"""The field panel's figures equal the same questions asked of the raw tables, after knocks
synced through the real API, a batch rolled back, and two people merged; and the rollups the
triggers keep equal a recount from the raw tables at each step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from tests.dashboards.conftest import assert_rollups_exact, knock, person_at, sync

LOCAL = "(k.occurred_at AT TIME ZONE o.time_zone)"
RAW_KNOCKS = (
    "FROM door_knocks k JOIN organizations o ON o.id = k.organization_id "
    "JOIN addresses ad ON ad.id = k.address_id "
    "WHERE k.organization_id = :org AND k.status = 'applied'"
)


def raw(sql: str, org: int) -> list[tuple]:
    return [tuple(r) for r in db.session.execute(sa.text(sql), {"org": org}).all()]


def plain_doors_left(org: int) -> dict:
    """Doors of active turfs, and those with no knock that stands since their turf was made."""
    doors, left = raw(
        "SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM door_knocks k "
        "WHERE k.address_id = d.address_id AND k.status = 'applied' "
        "AND k.occurred_at >= t.created_at)) FROM turf_doors d JOIN turfs t ON t.id = d.turf_id "
        "WHERE t.organization_id = :org AND t.status = 'active'",
        org,
    )[0]
    return {"doors": doors, "left": left, "knocked": doors - left}


def plain_field(org: int) -> dict:
    """The field panel's questions in plain SQL over door_knocks and survey_answers."""
    sums = "count(*), count(*) FILTER (WHERE k.is_contact)"
    return {
        "total": raw(f"SELECT {sums} {RAW_KNOCKS}", org)[0],
        "by_day": raw(
            f"SELECT {LOCAL}::date::text, {sums} {RAW_KNOCKS} GROUP BY 1 ORDER BY 1", org
        ),
        "by_hour": raw(
            f"SELECT extract(hour FROM {LOCAL})::int, {sums} {RAW_KNOCKS} GROUP BY 1 ORDER BY 1",
            org,
        ),
        "by_area": raw(
            f"SELECT a.code, {sums} "
            + RAW_KNOCKS.replace("WHERE", "JOIN areas a ON a.id = ANY(ad.area_ids) WHERE")
            + " AND a.kind = 'precinct' GROUP BY a.code ORDER BY a.code",
            org,
        ),
        "by_canvasser": raw(f"SELECT k.user_id, {sums} {RAW_KNOCKS} GROUP BY 1 ORDER BY 1", org),
        "support": raw(
            "SELECT answer, count(*) FROM survey_answers WHERE organization_id = :org "
            "AND question = 'support' GROUP BY 1 ORDER BY 1",
            org,
        ),
        "support_by_area": raw(
            "SELECT a.code, count(*) FILTER (WHERE s.answer IN ('1', '2')), count(*) "
            "FROM survey_answers s JOIN people p ON p.id = s.person_id "
            "JOIN areas a ON a.id = ANY(p.area_ids) AND a.kind = 'precinct' "
            "WHERE s.organization_id = :org AND s.question = 'support' GROUP BY 1 ORDER BY 1",
            org,
        ),
    }


def shown_field(client, headers, first: str, last: str) -> dict:
    """The same questions as the panel answers them."""
    query = f"from={first}&to={last}"
    response = client.get(f"/api/v1/dashboards/field?{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    panel = response.get_json()
    colours = client.get(f"/api/v1/dashboards/map?{query}&measure=support", headers=headers)
    support_by_area = sorted(
        (f["code"], round(f["support"] * f["support_ids"]), f["support_ids"])
        for f in colours.get_json()["features"]
        if f.get("support_ids")
    )
    three = ("doors", "contacts")
    return {
        "total": tuple(panel["total"][k] for k in three),
        "by_day": [(d["day"], *(d[k] for k in three)) for d in panel["by_day"] if d["doors"]],
        "by_hour": [(h["hour"], *(h[k] for k in three)) for h in panel["by_hour"] if h["doors"]],
        "by_area": sorted((a["code"], *(a[k] for k in three)) for a in panel["by_area"]),
        "by_canvasser": sorted(
            (c["user_id"], *(c[k] for k in three)) for c in panel["by_canvasser"]
        ),
        "support": [(s["score"], s["people"]) for s in panel["support"]["by_score"] if s["people"]],
        "support_by_area": support_by_area,
    }


def test_every_field_figure_equals_plain_sql_through_rollback_and_merge(
    client, headers, phone, walk_list, org, town
):
    """Three syncs, a rollback and a merge, each checked against the raw tables (about 3 s:
    five full panel reads and recounts)."""
    now = datetime.now(UTC)
    # Over two weeks: "by area" and the map read whole weeks from the weekly rollups.
    days = ((now - timedelta(days=16)).date().isoformat(), (now + timedelta(days=1)).date())

    def check() -> None:
        db.session.expire_all()
        expected = plain_field(org.id)
        assert shown_field(client, headers, *days) == expected
        assert_rollups_exact(org.id)
        shown = client.get(f"/api/v1/dashboards/field?from={days[0]}&to={days[1]}",
                           headers=headers).get_json()["doors_left"]  # fmt: skip
        assert shown == plain_doors_left(org.id)

    fan, doubter, away = (person_at(walk_list, n) for n in range(3))
    at = lambda hours: (now - timedelta(hours=hours)).isoformat()  # noqa: E731
    sync(
        client, phone,
        knock(walk_list, 0, client_at=at(30),
              people=[{"person_id": fan, "result": "canvassed", "answers": {"support": "1"}}]),
        knock(walk_list, 1, client_at=at(5),
              people=[{"person_id": doubter, "result": "canvassed", "answers": {"support": "4"}}]),
        knock(walk_list, 2, client_at=at(4), result="not_home"),
    )  # fmt: skip
    check()
    assert shown_field(client, headers, *days)["total"] == (3, 2)

    rolled = sync(client, phone, knock(walk_list, 2, client_at=at(1), people=[
        {"person_id": away, "result": "canvassed", "answers": {"support": "2"}}]))  # fmt: skip
    check()
    batch_id = db.session.scalar(
        sa.text("SELECT sync_batch_id FROM door_knocks WHERE id = :id"),
        {"id": rolled["results"][0]["door_knock_id"]},
    )
    response = client.post(
        f"/api/v1/canvass/batches/{batch_id}/rollback", json={"reason": "test"}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    check()
    assert shown_field(client, headers, *days)["total"] == (3, 2)

    # The fan is merged into a voter of the other precinct: their support ID moves there.
    other_precinct = town.person_ids[-1]
    response = client.post(
        f"/api/v1/people/{other_precinct}/merge", json={"other_id": fan}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    check()


def test_filters_doors_left_and_pace_equal_plain_sql(client, headers, phone, walk_list, org, town):
    """An area, a canvasser and a universe narrow the panel as plain SQL does; doors left
    and the pace to the goal count the raw rows."""
    now = datetime.now(UTC)
    stops = walk_list["stops"]
    sync(client, phone, *[knock(walk_list, n, result="not_home") for n in range(len(stops))])
    days = f"from={(now - timedelta(days=2)).date()}&to={(now + timedelta(days=1)).date()}"
    precinct = town.precinct_ids[0]
    in_area = raw(f"SELECT count(*) {RAW_KNOCKS} AND {precinct} = ANY(ad.area_ids)", org.id)[0][0]
    panel = client.get(f"/api/v1/dashboards/field?{days}&area_id={precinct}", headers=headers)
    assert panel.get_json()["total"]["doors"] == in_area
    kim = client.get("/api/v1/auth/me", headers=phone).get_json()["id"]
    panel = client.get(f"/api/v1/dashboards/field?{days}&user_id={kim}", headers=headers)
    assert panel.get_json()["total"]["doors"] == len(stops)
    # A universe of the first two stops' people: the knocks at their doors.
    people = [stop["people"][0]["person_id"] for stop in stops[:2]]
    universe = client.post(
        "/api/v1/universes", json={"name": "Two", "filter": {"people": people}}, headers=headers
    ).get_json()
    panel = client.get(f"/api/v1/dashboards/field?{days}&universe_id={universe['id']}",
                       headers=headers).get_json()  # fmt: skip
    at_their_doors = raw(
        f"SELECT count(*) {RAW_KNOCKS} AND k.household_id IN (SELECT household_id FROM people "
        f"WHERE id IN ({', '.join(map(str, people))}))",
        org.id,
    )[0][0]
    assert panel["total"]["doors"] == at_their_doors == 2

    assert panel["doors_left"] == plain_doors_left(org.id)
    assert panel["doors_left"]["knocked"] >= len(stops)
    # The batch rolled back: its doors are left again.
    batch_id = db.session.scalar(sa.text(
        "SELECT max(sync_batch_id) FROM door_knocks WHERE organization_id = :org"),
        {"org": org.id})  # fmt: skip
    response = client.post(
        f"/api/v1/canvass/batches/{batch_id}/rollback", json={"reason": "test"}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    doors_left = client.get(f"/api/v1/dashboards/field?{days}", headers=headers).get_json()[
        "doors_left"
    ]
    assert doors_left == plain_doors_left(org.id)
    assert doors_left["knocked"] == 0

    goal_on = (now + timedelta(days=9)).date()
    goal = {"doors": 1000, "goal_on": goal_on.isoformat()}
    response = client.put("/api/v1/dashboards/field-goal", json=goal, headers=headers)
    assert response.status_code == 200, response.get_json()
    pace = client.get(f"/api/v1/dashboards/field?{days}", headers=headers).get_json()["pace"]
    knocked = raw(f"SELECT count(*) {RAW_KNOCKS}", org.id)[0][0]
    days_left = pace["days_left"]
    assert pace["doors"] == knocked and pace["doors_to_go"] == 1000 - knocked
    assert pace["needed_per_day"] == -(-(1000 - knocked) // days_left)
