"""The money panel's figures equal plain SQL over the ledger after gifts landed, a refund, a
chargeback, a voided gift and two donors merged; and the money rollup equals a recount."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.areas.models import Area
from app.auth.permissions import Role
from app.core.actor import Actor
from app.donations.committee import add_election
from app.donations.corrections import refund_donation
from app.donations.models import Donation, EntryKind, Method
from app.donations.operations import record_donation, void_donation
from app.extensions import db
from app.people.merging import merge_people
from app.people.models import Person
from tests.dashboards.conftest import assert_rollups_exact
from tests.factories import auth_headers, create_user

FIRST, LAST = date(2026, 3, 1), date(2026, 3, 31)
LEDGER = (
    "FROM donations d WHERE d.organization_id = :org AND d.voided_at IS NULL "
    "AND d.received_on BETWEEN :first AND :last"
)


def raw(sql: str, org: int, area: int | None = None) -> list[tuple]:
    params = {"org": org, "first": FIRST, "last": LAST, "area": area}
    return [tuple(r) for r in db.session.execute(sa.text(sql), params).all()]


def plain_money(org: int) -> dict:
    gift = "d.kind = 'contribution'"
    taken_back = "d.kind IN ('refund', 'chargeback')"
    sums = (
        f"sum(d.amount_cents), count(*) FILTER (WHERE {gift}), "
        f"coalesce(sum(d.amount_cents) FILTER (WHERE {gift}), 0), "
        f"coalesce(-sum(d.amount_cents) FILTER (WHERE {taken_back}), 0)"
    )
    region = LEDGER.replace(
        "WHERE", "JOIN people p ON p.id = d.person_id JOIN areas a ON a.id = ANY(p.area_ids) "
        "AND a.kind = 'precinct' WHERE",
    )  # fmt: skip
    donors = raw(
        f"SELECT count(DISTINCT d.person_id), count(DISTINCT d.person_id) FILTER (WHERE EXISTS "
        "(SELECT 1 FROM donations e WHERE e.person_id = d.person_id AND e.kind = 'contribution' "
        f"AND e.voided_at IS NULL AND e.received_on < :first)) {LEDGER} AND {gift}",
        org,
    )[0]
    return {
        "total": raw(f"SELECT {sums} {LEDGER}", org)[0],
        "by_day": raw(f"SELECT d.received_on::text, {sums} {LEDGER} GROUP BY 1 ORDER BY 1", org),
        "by_source": raw(
            f"SELECT d.processor, coalesce(d.page, ''), {sums} {LEDGER} "
            "GROUP BY 1, 2 ORDER BY 1, 2",
            org,
        ),
        "by_region": raw(f"SELECT a.code, {sums} {region} GROUP BY 1 ORDER BY 1", org),
        "median": raw(
            f"SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY d.amount_cents) {LEDGER} "
            f"AND {gift}",
            org,
        )[0][0],
        "recurring": raw(f"SELECT {sums} {LEDGER} AND d.recurring_series IS NOT NULL", org)[0],
        "donors": (donors[0], donors[0] - donors[1], donors[1]),
    }


def plain_area_money(org: int, area: int) -> dict:
    """An area's totals, median gift and donors: the gifts of the donors in the area."""
    ledger = LEDGER.replace(
        "WHERE", "JOIN people p ON p.id = d.person_id AND :area = ANY(p.area_ids) WHERE"
    )
    gift = "d.kind = 'contribution'"
    (raised, gifts, median, donors, repeat), = raw(
        f"SELECT coalesce(sum(d.amount_cents), 0), count(*) FILTER (WHERE {gift}), "
        f"percentile_disc(0.5) WITHIN GROUP (ORDER BY d.amount_cents) FILTER (WHERE {gift}), "
        f"count(DISTINCT d.person_id) FILTER (WHERE {gift}), "
        f"count(DISTINCT d.person_id) FILTER (WHERE {gift} AND EXISTS (SELECT 1 FROM donations e "
        "WHERE e.person_id = d.person_id AND e.kind = 'contribution' AND e.voided_at IS NULL "
        f"AND e.received_on < :first)) {ledger}",
        org,
        area,
    )  # fmt: skip
    return {"raised": raised, "gifts": gifts, "median": median,
            "donors": (donors, donors - repeat, repeat)}  # fmt: skip


def shown_area_money(client, headers, area: int) -> dict:
    url = f"/api/v1/dashboards/money?from={FIRST}&to={LAST}&area_id={area}"
    total = client.get(url, headers=headers).get_json()["total"]
    return {"raised": total["raised_cents"], "gifts": total["gifts"],
            "median": total["median_gift_cents"],
            "donors": (total["donors"], total["new_donors"], total["repeat_donors"])}  # fmt: skip


def shown_money(client, headers) -> dict:
    response = client.get(f"/api/v1/dashboards/money?from={FIRST}&to={LAST}", headers=headers)
    assert response.status_code == 200, response.get_json()
    panel = response.get_json()
    keys = ("raised_cents", "gifts", "gifts_cents", "refunds_cents")
    figures = lambda row: tuple(row[k] for k in keys)  # noqa: E731
    total = panel["total"]
    return {
        "total": figures(total),
        "by_day": [
            (d["day"], *figures(d)) for d in panel["by_day"] if d["gifts"] or d["raised_cents"]
        ],
        "by_source": sorted((s["processor"], s["page"], *figures(s)) for s in panel["by_source"]),
        "by_region": sorted((r["code"], *figures(r)) for r in panel["by_region"]),
        "median": total["median_gift_cents"],
        "recurring": figures(total["recurring"]),
        "donors": (total["donors"], total["new_donors"], total["repeat_donors"]),
    }


def test_every_money_figure_equals_plain_sql_through_refunds_voids_and_merges(client, org, town):
    """Gifts from four voters of two precincts, then each correction (about 2 s)."""
    admin = create_user(org, Role.ADMIN)
    headers = auth_headers(admin)
    actor = Actor.system(org.id, "test")
    election = add_election(actor, {"kind": "P", "held_on": date(2026, 5, 19)})
    ids = town.person_ids
    people = [db.session.get(Person, pid) for pid in (ids[0], ids[1], ids[-1], ids[-2])]
    base = {"election_id": election.id, "method": Method.CARD, "processor": "actblue",
            "employer": "Acme", "occupation": "Nurse"}  # fmt: skip
    gifts = []
    for n, (person, cents, day, page, series) in enumerate([
        (people[0], 2_500, date(2026, 2, 10), "spring", None),  # before: a repeat donor
        (people[0], 5_000, date(2026, 3, 2), "spring", None),
        (people[1], 10_000, date(2026, 3, 2), "launch", "R-1"),
        (people[2], 1_000, date(2026, 3, 5), None, "R-2"),
        (people[3], 25_000, date(2026, 3, 9), "launch", None),
        (people[3], 7_500, date(2026, 3, 20), None, None),
    ]):  # fmt: skip
        fields = {**base, "amount_cents": cents, "received_on": day, "page": page,
                  "recurring_series": series, "processor_line_id": f"L{n}"}  # fmt: skip
        gifts.append(record_donation(actor, fields, person=person)[0])
    db.session.flush()

    precincts = db.session.scalars(
        sa.select(Area.id).where(Area.organization_id == org.id, Area.kind == "precinct")
    ).all()

    def check() -> None:
        db.session.commit()
        db.session.expire_all()
        assert shown_money(client, headers) == plain_money(org.id)
        for area in precincts:
            assert shown_area_money(client, headers, area) == plain_area_money(org.id, area)
        assert_rollups_exact(org.id)

    check()
    assert shown_money(client, headers)["donors"] == (4, 3, 1)
    refund_donation(actor, gifts[4], 5_000, date(2026, 3, 12), reason="asked")
    refund_donation(actor, gifts[2], 10_000, date(2026, 3, 15), kind=EntryKind.CHARGEBACK)
    check()
    assert shown_money(client, headers)["total"][3] == 15_000  # refunds and chargebacks
    void_donation(actor, gifts[5], "typed twice")
    check()
    # The donor of the first precinct is merged into one of the second: the gifts move.
    merge_people(actor, people[2], people[0])
    check()
    assert shown_money(client, headers)["donors"][0] == 3
    # A donor moves (their areas change): their gifts, and their being a donor, move with them.
    moved_from = next(a for a in precincts if a in people[3].area_ids)
    moved_to = next(a for a in precincts if a != moved_from)
    before = shown_area_money(client, headers, moved_to)["donors"][0]
    db.session.execute(
        sa.update(Person).where(Person.id == people[3].id).values(area_ids=[moved_to])
    )
    check()
    assert shown_area_money(client, headers, moved_to)["donors"][0] == before + 1
    # Two gifts of one donor in one statement, on one day and on the day before their first.
    db.session.execute(
        sa.insert(Donation),
        [{**base, "organization_id": org.id, "kind": EntryKind.CONTRIBUTION,
          "person_id": people[1].id, "amount_cents": cents, "received_on": day,
          "processor_line_id": f"M{cents}"}
         for cents, day in ((700, date(2026, 3, 2)), (900, date(2026, 2, 28)))],
    )  # fmt: skip
    check()
    # Directors read totals, never a region of fewer than three gifts.
    director_panel = client.get(
        f"/api/v1/dashboards/money?from={FIRST}&to={LAST}",
        headers=auth_headers(create_user(org, Role.DIRECTOR)),
    ).get_json()
    assert all(r["gifts"] >= 3 or r["code"] == "other" for r in director_panel["by_region"])
    assert sum(r["raised_cents"] for r in director_panel["by_region"]) == sum(
        r[1] for r in plain_money(org.id)["by_region"]
    )
