"""The printable summary's figures: the panels the reader's role may see, for a period (by
default the last full week, Monday to Sunday, of the campaign) against the period just
before it. Every number is read by the dashboard's own panel functions; this module only
picks and lines them up (``summary_pdf`` draws them)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from app.accounts.models import Organization, User
from app.auth.permissions import Permission
from app.core.errors import ValidationError
from app.dashboards import field as field_panels
from app.dashboards import money, outreach, volunteers
from app.dashboards.scope import Scope, make_scope, week_of
from app.extensions import db

#: The longest period a summary covers (a month: its day-by-day chart stays legible).
MAX_SUMMARY_DAYS = 31


@dataclass
class Row:
    """One line of a section's table: a figure now and in the period before."""

    label: str
    now: Any
    before: Any
    #: count, rate (a share, 0-1), cents or hours
    kind: str = "count"


@dataclass
class Section:
    title: str
    rows: list[Row]
    #: Per day: (day, {measure: value}); the chart draws the first measure.
    days: list[tuple[date, dict[str, Any]]] = field(default_factory=list)
    day_kinds: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class Summary:
    organization: str
    scope: Scope
    before: Scope
    sections: list[Section]


def summary_period(args: dict, today: date) -> tuple[date, date]:
    """The days asked for: ``from``/``to`` (one of them: a week from or to it), else the last
    full Monday-to-Sunday week before ``today``."""
    first, last = args.get("from_"), args.get("to")
    if first is None and last is None:
        last = week_of(today) - timedelta(days=1)
        first = last - timedelta(days=6)
    elif first is None:
        first = last - timedelta(days=6)
    elif last is None:
        last = first + timedelta(days=6)
    if first > last:
        raise ValidationError("'from' is after 'to'.", fields={"from": ["After 'to'."]})
    if (last - first).days >= MAX_SUMMARY_DAYS:
        raise ValidationError(
            f"A summary covers at most {MAX_SUMMARY_DAYS} days.",
            fields={"from": [f"At most {MAX_SUMMARY_DAYS - 1} days before 'to'."]},
        )
    return first, last


def build_summary(user: User, args: dict, today: date) -> Summary:
    """The sections ``user``'s role may see: field, volunteers and outreach with
    ``dashboard.read``; money with ``donations.totals`` (totals only, as the panel is)."""
    first, last = summary_period(args, today)
    scope = make_scope(user.organization_id, user.id, {**args, "from_": first, "to": last}, today)
    length = timedelta(days=(last - first).days + 1)
    before = replace(scope, first=first - length, last=first - timedelta(days=1))
    area_kind = args.get("area_kind") or "precinct"
    sections = []
    if user.can(Permission.DASHBOARD_READ):
        sections.append(field_section(scope, before, area_kind, today))
        sections.append(volunteers_section(scope, before))
    if user.can(Permission.DONATIONS_TOTALS):
        small = user.can(Permission.DONATIONS_READ)
        sections.append(money_section(scope, before, area_kind, today, small_regions=small))
    if user.can(Permission.DASHBOARD_READ):
        sections.append(outreach_section(scope, before))
    name = db.session.get(Organization, user.organization_id).name
    return Summary(name, scope, before, sections)


def _support(panel: dict) -> tuple[int, int]:
    scores = {s["score"]: s["people"] for s in panel["support"]["by_score"]}
    return sum(scores.values()), scores["1"] + scores["2"]


def field_section(scope: Scope, before: Scope, area_kind: str, today: date) -> Section:
    now = field_panels.field_panel(scope, area_kind, today)
    then = field_panels.field_panel(before, area_kind, today)
    ids, ids_before = _support(now), _support(then)
    rows = [
        Row("Doors knocked", now["total"]["doors"], then["total"]["doors"]),
        Row("Contacts", now["total"]["contacts"], then["total"]["contacts"]),
        Row("Contact rate", now["total"]["contact_rate"], then["total"]["contact_rate"], "rate"),
        Row("Support IDs", ids[0], ids_before[0]),
        Row("Supporters (IDs 1-2)", ids[1], ids_before[1]),
    ]
    notes = [f"Doors left in active turfs: {now['doors_left']['left']:,} "
             f"of {now['doors_left']['doors']:,}."]  # fmt: skip
    pace = now["pace"]
    if pace is None:
        notes.append("Pace: no doors goal is set.")
    else:
        notes.append(
            f"Pace: {pace['doors']:,} of {pace['goal_doors']:,} doors by {pace['goal_on']}; "
            f"{pace['doors_to_go']:,} to go, {pace['needed_per_day']:,} a day over the "
            f"{pace['days_left']:,} days left."
        )
    days = [(d["day"], {"Doors": d["doors"], "Contacts": d["contacts"]}) for d in now["by_day"]]
    return Section("Field", rows, days, {"Doors": "count", "Contacts": "count"}, notes)


def volunteers_section(scope: Scope, before: Scope) -> Section:
    now, then = volunteers.volunteers_panel(scope), volunteers.volunteers_panel(before)
    t, b = now["total"], then["total"]
    rows = [
        Row("Volunteers active", t["volunteers"], b["volunteers"]),
        Row("New volunteers", now["retention"]["first_timers"], then["retention"]["first_timers"]),
        Row("Shifts", t["shifts"], b["shifts"]),
        Row("Seats filled", t["filled"], b["filled"]),
        Row("Attended", t["attended"], b["attended"]),
        Row("No-shows", t["no_shows"], b["no_shows"]),
        Row("No-show rate", t["no_show_rate"], b["no_show_rate"], "rate"),
        Row("Hours", t["hours"], b["hours"], "hours"),
    ]
    days = [(d["day"], {"Attended": d["attended"], "No-shows": d["no_shows"]})
            for d in now["by_day"]]  # fmt: skip
    return Section("Volunteers and events", rows, days, {"Attended": "count", "No-shows": "count"})


def money_section(
    scope: Scope, before: Scope, area_kind: str, today: date, *, small_regions: bool
) -> Section:
    now = money.money_panel(scope, area_kind, today, small_regions=small_regions)
    then = money.money_panel(before, area_kind, today, small_regions=small_regions)
    t, b = now["total"], then["total"]
    rows = [
        Row("Raised (net)", t["raised_cents"], b["raised_cents"], "cents"),
        Row("Gifts", t["gifts"], b["gifts"]),
        Row("Average gift", t["average_gift_cents"], b["average_gift_cents"], "cents"),
        Row("Median gift", t["median_gift_cents"], b["median_gift_cents"], "cents"),
        Row("Donors", t["donors"], b["donors"]),
        Row("New donors", t["new_donors"], b["new_donors"]),
        Row("Refunds and chargebacks", t["refunds_cents"], b["refunds_cents"], "cents"),
        Row("Recurring", t["recurring"]["raised_cents"], b["recurring"]["raised_cents"], "cents"),
    ]
    notes = [
        f"Goal {goal['name']}: {cents(goal['raised_cents'])} of {cents(goal['amount_cents'])} "
        f"({goal['percent']}%) by {goal['ends_on']}"
        + ("" if goal["is_on_pace"] else ", behind pace")
        + "."
        for goal in now["goals"]
    ]
    days = [(d["day"], {"Raised": d["raised_cents"], "Gifts": d["gifts"]}) for d in now["by_day"]]
    return Section("Money", rows, days, {"Raised": "cents", "Gifts": "count"}, notes)


def outreach_section(scope: Scope, before: Scope) -> Section:
    panel = outreach.outreach_panel(scope)
    now, then = panel["total"], outreach.outreach_panel(before)["total"]
    rows = [
        Row(f"Emails {m}", now["email"][m], then["email"][m])
        for m in ("sent", "delivered", "opened", "clicked", "unsubscribed")
    ]
    rows += [
        Row("Texts sent", now["texts"]["messaged"], then["texts"]["messaged"]),
        Row("Texts replied", now["texts"]["replied"], then["texts"]["replied"]),
        Row("Text response rate", now["texts"]["response_rate"],
            then["texts"]["response_rate"], "rate"),
        Row("Opt-outs", now["opt_outs"], then["opt_outs"]),
    ]  # fmt: skip
    days = [(d["day"], {"Emails sent": d["emails_sent"], "Texts sent": d["texts_sent"]})
            for d in panel["by_day"]]  # fmt: skip
    return Section("Outreach", rows, days, {"Emails sent": "count", "Texts sent": "count"})


# How figures are printed (the test reads them back the same way) -------------------------


def cents(value: int | None) -> str:
    """
    >>> cents(123456), cents(-500), cents(None)
    ('$1,234.56', '-$5.00', 'n/a')
    """
    if value is None:
        return "n/a"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value) // 100:,}.{abs(value) % 100:02d}"


def shown(value: Any, kind: str) -> str:
    """
    >>> shown(1234, "count"), shown(0.6667, "rate"), shown(12.5, "hours"), shown(None, "rate")
    ('1,234', '66.7%', '12.5', 'n/a')
    """
    if value is None:
        return "n/a"
    if kind == "rate":
        return f"{100 * value:.1f}%"
    if kind == "cents":
        return cents(value)
    if kind == "hours":
        return f"{value:,.1f}"
    return f"{value:,}"


def change(row: Row) -> str:
    """The difference, with its sign (a rate's in percentage points).

    >>> change(Row("Doors", 12, 10)), change(Row("Rate", 0.5, 0.25, "rate"))
    ('+2', '+25.0 pts')
    >>> change(Row("Raised", 100, 250, "cents")), change(Row("Rate", None, 0.2, "rate"))
    ('-$1.50', 'n/a')
    """
    if row.now is None or row.before is None:
        return "n/a"
    diff = row.now - row.before
    sign = "+" if diff > 0 else ""
    if row.kind == "rate":
        return f"{sign}{100 * diff:.1f} pts"
    if row.kind == "hours":
        return f"{sign}{diff:,.1f}"
    return sign + shown(diff, row.kind)
