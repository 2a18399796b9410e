"""Time the dashboard's panels on a statewide campaign (goals: each panel under 200 ms p95 with
filters; the map's colouring of 9,000 precincts under 300 ms).

    .venv/bin/python bench/dashboard.py [--scale 1.0] [--runs 20]

At scale 1: 1,000,000 people at 500,000 doors, 5,000,000 door knocks (each knock is the
interaction the issue counts), 1,000,000 support IDs, 500,000 ledger entries (2% refunds), in
9,000 precincts, 300 wards and 20 counties, over 120 days, by 200 canvassers in 10 teams;
1,000 active turfs of 100 doors (the doors left).
Everything is made set-based (generate_series) with the rollup triggers off, then the rollups
are recounted once (dash_rebuild_*: timed and printed) and the triggers put back, as an
existing campaign upgrading to 0047_dashboards and 0048_donor_rollups would be. Fills
BENCH_DATABASE_URL when set, else a throwaway cluster.

Each panel is asked over HTTP of the app under gunicorn (an admin's token: parsing, the
queries, the JSON and its ETag) with the default 30 days and with filters (a ward, a team, a
canvasser, 120 days); the map colours every precinct by contact rate, money raised and
support. Meanwhile 64 phones sync (``--phones``): each posts a batch of 5 knocks every 10
seconds (``--phone-every``, ``--phone-knocks``) into the same campaign, through the same
server, so the rollups the panels read are being written while they are read; their sync
latencies are printed too.

``--reuse`` measures again on a campaign an earlier run left in BENCH_DATABASE_URL (no seeding).
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import time
from datetime import UTC, datetime, timedelta

import flask_migrate
from benchlib import bench_database, vacuum_analyze
from phoneslib import SECRET, PhoneLoad, seed_phones, serve
from sqlalchemy import text

from app import create_app
from app.accounts.models import Organization
from app.accounts.operations import create_organization
from app.audit.context import acting_as
from app.auth.permissions import Role
from app.auth.tokens import issue_tokens
from app.extensions import db

DAYS = 120
PANEL_GOAL_MS, MAP_GOAL_MS = 200.0, 300.0
SOURCES = ("door_knocks", "survey_answers", "donations", "people", "addresses", "organizations")


def spread(expr: str, n: int) -> str:
    """SQL for a number 0 .. n-1 that looks random in ``expr`` (a hash: the same every run),
    so days and hours are not in step with the doors, people and precincts."""
    return f"((hashint4(({expr})::int) % {n} + {n}) % {n})"


def seed(org: int, n: dict[str, int]) -> None:
    """The campaign's areas, doors, people, canvassers, knocks, answers and gifts."""
    side = round(n["precincts"] ** 0.5)
    steps = [
        # 9,000 precincts on a grid of 0.01 degree squares; 30 to a ward; 450 to a county.
        f"""INSERT INTO areas (organization_id, kind, code, name, geom)
        SELECT {org}, 'precinct', lpad(g::text, 5, '0'), 'Precinct ' || g,
          ST_Multi(ST_MakeEnvelope(-80 + (g % {side}) * 0.01, 40 + (g / {side}) * 0.01,
            -80 + (g % {side}) * 0.01 + 0.01, 40 + (g / {side}) * 0.01 + 0.01, 4326))
        FROM generate_series(0, {n["precincts"] - 1}) g""",
        f"""INSERT INTO areas (organization_id, kind, code, name)
        SELECT {org}, 'ward', lpad(g::text, 3, '0'), 'Ward ' || g
        FROM generate_series(0, {n["precincts"] // 30 - 1}) g""",
        f"""INSERT INTO areas (organization_id, kind, code, name)
        SELECT {org}, 'county', lpad(g::text, 2, '0'), 'County ' || g
        FROM generate_series(0, 19) g""",
        "CREATE TEMP TABLE bench_areas AS SELECT kind, code::int AS n, id FROM areas",
        f"""INSERT INTO addresses (organization_id, house_number, street, area_ids)
        SELECT {org}, g::text, 'BENCH ST', ARRAY[p.id, w.id, c.id]
        FROM generate_series(0, {n["doors"] - 1}) g
        JOIN bench_areas p ON p.kind = 'precinct' AND p.n = g % {n["precincts"]}
        JOIN bench_areas w ON w.kind = 'ward' AND w.n = (g % {n["precincts"]}) / 30
        JOIN bench_areas c ON c.kind = 'county' AND c.n = (g % {n["precincts"]}) % 20""",
        f"""INSERT INTO households (organization_id, address_id)
        SELECT {org}, id FROM addresses WHERE organization_id = {org}""",
        f"""INSERT INTO people (organization_id, household_id, first_name, last_name, area_ids)
        SELECT {org}, h.id, 'Pat', 'Voter' || g, a.area_ids
        FROM generate_series(0, {n["people"] - 1}) g
        JOIN households h ON h.id = (SELECT min(id) FROM households) + g % {n["doors"]}
        JOIN addresses a ON a.id = h.address_id""",
        # 1,000 active turfs of 100 doors, cut 60 days ago: the doors left in active turfs.
        f"""INSERT INTO turfs (organization_id, name, door_count, created_at)
        SELECT {org}, 'Turf ' || g, 100, now() - interval '60 days'
        FROM generate_series(1, {n["turfs"]}) g""",
        f"""INSERT INTO turf_doors (organization_id, address_id, turf_id)
        SELECT {org}, a.id, t.id
        FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM addresses
              WHERE organization_id = {org} ORDER BY id LIMIT {n["turfs"] * 100}) a
        JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM turfs
              WHERE organization_id = {org}) t ON t.n = a.n / 100""",
        f"""INSERT INTO users (organization_id, email, name, role, password_hash)
        SELECT {org}, 'walker' || g || '@bench.test', 'Walker ' || g, 'canvasser', 'x'
        FROM generate_series(1, 200) g""",
        f"""INSERT INTO volunteer_profiles (organization_id, person_id, user_id, feed_token)
        SELECT {org}, p.id, u.id, left(md5(u.id::text) || md5(p.id::text), 43)
        FROM (SELECT id, row_number() OVER (ORDER BY id) r FROM users WHERE role = 'canvasser') u
        JOIN (SELECT id, row_number() OVER (ORDER BY id) r FROM people LIMIT 200) p USING (r)""",
        f"""INSERT INTO teams (organization_id, name) SELECT {org}, 'Team ' || g
        FROM generate_series(1, 10) g""",
        f"""INSERT INTO team_members (organization_id, team_id, profile_id)
        SELECT {org}, t.id, v.id FROM volunteer_profiles v
        JOIN teams t ON t.name = 'Team ' || (1 + v.id % 10)""",
        f"""INSERT INTO walk_lists (organization_id, name, code, kind, expires_at)
        SELECT {org}, 'List ' || g, 'B' || g, 'turf', now() + interval '30 days'
        FROM generate_series(1, 200) g""",
        "CREATE TEMP TABLE bench_users AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id "
        "FROM users WHERE role = 'canvasser'",
        "CREATE TEMP TABLE bench_lists AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id "
        "FROM walk_lists",
        # Knocks over 120 days, 9 am to 9 pm, about 40% of them contacts.
        f"""INSERT INTO door_knocks (organization_id, client_uuid, walk_list_id, user_id,
          address_id, household_id, result, is_contact, occurred_at, client_at)
        SELECT {org}, gen_random_uuid(), l.id, u.id,
          (SELECT min(id) FROM addresses) + g % {n["doors"]},
          (SELECT min(id) FROM households) + g % {n["doors"]},
          CASE WHEN g % 5 < 2 THEN 'canvassed' ELSE 'not_home' END, g % 5 < 2, t, t
        FROM generate_series(0, {n["knocks"] - 1}) g
        JOIN bench_users u ON u.n = g % 200 JOIN bench_lists l ON l.n = g % 200
        CROSS JOIN LATERAL (SELECT now() - ({spread("g", DAYS)} || ' days')::interval
          - ({spread("g + 1", 12)} || ' hours')::interval AS t) x""",
        f"""INSERT INTO survey_answers (organization_id, person_id, question, answer, answered_on,
          answered_at, user_id)
        SELECT {org}, (SELECT min(id) FROM people) + g % {n["people"]}, 'support',
          (1 + g % 5)::text, current_date - {spread("g", DAYS)},
          now() - ({spread("g", DAYS)} || ' days')::interval,
          u.id
        FROM generate_series(0, {n["answers"] - 1}) g JOIN bench_users u ON u.n = g % 200
        ON CONFLICT DO NOTHING""",
        f"""INSERT INTO candidate_elections (organization_id, kind, code, name, held_on, cycle,
          limit_cents) VALUES ({org}, 'G', 'G2026', 'General', '2026-11-03', 2026, 350000)""",
        f"""INSERT INTO donations (organization_id, kind, person_id, election_id, amount_cents,
          received_on, method, processor, page, recurring_series)
        SELECT {org}, 'contribution', (SELECT min(id) FROM people) + (g * 7) % {n["people"]},
          (SELECT id FROM candidate_elections WHERE organization_id = {org}),
          (ARRAY[500, 1000, 2500, 2700, 5000, 10000, 25000, 100000])[1 + g % 8],
          current_date - {spread("g", DAYS)}, 'card', 'actblue',
          (ARRAY['launch', 'spring', 'gotv', NULL])[1 + g % 4],
          CASE WHEN g % 10 = 0 THEN 'R' || g % 1000 END
        FROM generate_series(0, {n["donations"] - 1}) g""",
        f"""INSERT INTO donations (organization_id, kind, person_id, election_id, amount_cents,
          received_on, method, processor, page, corrects_id)
        SELECT organization_id, 'refund', person_id, election_id, -amount_cents,
          received_on + 1, method, processor, page, id
        FROM donations WHERE organization_id = {org} AND id % 50 = 0""",
    ]
    for sql in steps:
        started = time.perf_counter()
        db.session.execute(text(sql))
        print(f"  {sql.split()[2]:<22} {time.perf_counter() - started:7.1f} s", flush=True)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--phones", type=int, default=64)
    parser.add_argument("--phone-every", type=float, default=10.0)
    parser.add_argument("--phone-knocks", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    s = args.scale
    n = {"people": int(1_000_000 * s), "doors": int(500_000 * s), "knocks": int(5_000_000 * s),
         "answers": int(1_000_000 * s), "donations": int(500_000 * s),
         "precincts": max(30, int(9_000 * min(s * 5, 1))),
         "turfs": max(10, int(1_000 * s))}  # fmt: skip
    with bench_database("dash") as url:
        config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET,
                  "DOORSTEP_ACCESS_TOKEN_MINUTES": 240}  # fmt: skip
        app = create_app(config)
        with app.app_context(), acting_as("bench:dashboard"):
            flask_migrate.upgrade()
            org = None
            if args.reuse:
                org = db.session.scalar(
                    text("SELECT max(id) FROM organizations WHERE slug LIKE 'bench-%'")
                )
                if org is None:
                    raise SystemExit("--reuse: no campaign of an earlier run in the database")
                org = db.session.get(Organization, org)
                print(f"reusing campaign {org.id}", flush=True)
            else:
                org = make_campaign(n, s)
            admin = db.session.scalar(
                text("SELECT min(id) FROM users WHERE organization_id = :org AND role = 'admin'"),
                {"org": org.id},
            )
            phones = seed_phones(args.phones, org) if args.phones else []
            org_id = org.id
            db.session.commit()
        with serve(url, args.workers) as port:
            load = PhoneLoad(port, phones, args.phone_every, args.phone_knocks)
            print(f"{len(phones)} phones syncing {args.phone_knocks} knocks every "
                  f"{args.phone_every:g} s; gunicorn {args.workers} workers, "
                  f"{os.cpu_count()} CPUs", flush=True)  # fmt: skip
            with load:
                figures(app, port, org_id, admin, args.runs, args.workers, load)
        if phones:
            print(f"\nphones: {len(load.latencies)} syncs, {load.applied} knocks applied, "
                  f"{len(load.errors)} errors {sorted(set(load.errors))[:3]}; sync latency "
                  f"median {statistics.median(load.latencies):.0f} ms, "
                  f"p95 {p95(load.latencies):.0f} ms")  # fmt: skip


def make_campaign(n: dict[str, int], scale: float) -> Organization:
    """The statewide campaign, set-based, then its rollups recounted once."""
    org = create_organization("Bench statewide", f"bench-{int(time.time())}")
    db.session.flush()
    db.session.execute(text(
        "INSERT INTO users (organization_id, email, name, role, password_hash) "
        "VALUES (:org, :email, 'Bench Admin', :role, 'x')"),
        {"org": org.id, "email": f"admin{org.id}@bench.test", "role": Role.ADMIN.value},
    )  # fmt: skip
    print(f"seeding {n} (scale {scale})", flush=True)
    for table in SOURCES:
        db.session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    seed(org.id, n)
    for table in SOURCES:
        db.session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    # The rollups kept from other rollups (support per area, the weeks) are filled by their
    # triggers as these are recounted.
    for rollup in ("field", "support", "money", "field_areas", "money_areas", "gift_amounts",
                   "donors"):  # fmt: skip
        started = time.perf_counter()
        db.session.execute(text(f"SELECT dash_rebuild_{rollup}({org.id}, NULL, NULL)"))
        print(f"  rebuild {rollup:<14} {time.perf_counter() - started:7.1f} s", flush=True)
    db.session.commit()
    vacuum_analyze("dash_field_rollups", "dash_support_rollups", "dash_money_rollups",
                   "dash_field_area_days", "dash_money_area_days", "dash_gift_amounts",
                   "dash_donor_counts", "dash_gift_amount_areas", "dash_donor_days",
                   "dash_support_area_days", "dash_field_area_weeks", "dash_money_area_weeks",
                   "dash_support_area_weeks", "turf_doors",
                   "door_knocks", "donations", "people", "addresses", "areas")  # fmt: skip
    return org


def figures(
    app, port: int, org: int, admin_id: int, runs: int, workers: int, load: PhoneLoad
) -> None:
    from app.accounts.models import User

    with app.app_context():
        user = db.session.get(User, admin_id)
        headers = {"Authorization": f"Bearer {issue_tokens(user).access_token}"}
        db.session.commit()  # the sign-in's session row
        first = "SELECT min(id) FROM {} WHERE organization_id = :org{}"
        ward, team, walker = (
            db.session.scalar(text(first.format(table, where)), {"org": org})
            for table, where in (("areas", " AND kind = 'ward'"), ("teams", ""),
                                 ("users", " AND role = 'canvasser'"))
        )  # fmt: skip
    today = datetime.now(UTC).date()
    season = f"from={today - timedelta(days=DAYS - 1)}&to={today}"
    filters = {
        "30 days": "", "a ward": f"area_id={ward}", "a team": f"team_id={team}",
        "a canvasser": f"user_id={walker}", "120 days, a ward": f"{season}&area_id={ward}",
    }  # fmt: skip
    asks = [(f"{panel}: {name}", f"/api/v1/dashboards/{panel}?{query}", PANEL_GOAL_MS)
            for panel in ("field", "volunteers", "money", "outreach")
            for name, query in filters.items()]  # fmt: skip
    asks += [(f"map: precincts by {measure}",
              f"/api/v1/dashboards/map?area_kind=precinct&measure={measure}&{season}", MAP_GOAL_MS)
             for measure in ("contact_rate", "raised", "support")]  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(2 * workers):  # every gunicorn worker's first ask of each (its caches)
        for _, url, _ in asks:
            time_it(conn, url, headers, 0)
    load.reset()  # the phones' syncs are counted from here, beside the timed asks
    rows = [(name, time_it(conn, url, headers, runs), goal) for name, url, goal in asks]
    print(f"\n{'what':<38} {'median ms':>10} {'p95 ms':>8}  goal")
    for name, samples, goal in rows:
        mark = "ok" if p95(samples) < goal else "OVER"
        print(f"{name:<38} {statistics.median(samples):10.1f} {p95(samples):8.1f}  "
              f"<{goal:.0f} {mark}")  # fmt: skip


def time_it(conn: http.client.HTTPConnection, url: str, headers: dict, runs: int) -> list[float]:
    samples = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        conn.request("GET", url, headers=headers)
        response = conn.getresponse()
        body = response.read()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, (url, body[:300])
    return samples[1:]  # the first warms the caches


if __name__ == "__main__":
    main()
