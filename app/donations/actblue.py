"""ActBlue: its contributions CSV's columns and its webhook's JSON, read as gifts.

ActBlue is a conduit: every gift through it is earmarked, the donor is the contributor and
ActBlue appears in a memo entry (``CONDUIT_NAME``, ``CONDUIT_COMMITTEE_ID``). The CSV's
timestamps are in ActBlue's own time zone (America/New_York, as its Report Builder's data
dictionary says of "Paid At"); the webhook's carry their offset. Either way the day received is
the day in the campaign's time zone.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from app.donations.committee import committee_settings
from app.donations.models import CandidateElection, Method
from app.donations.sources import Designations, GiftRow, RowProblem, Source, read_gift
from app.extensions import db
from app.people.operations import campaign_zone

PROCESSOR = "actblue"
CONDUIT_NAME = "ActBlue"
CONDUIT_COMMITTEE_ID = "C00401224"
CSV_ZONE = ZoneInfo("America/New_York")

#: donation field -> ActBlue's CSV column (its published names; other columns are ignored).
CSV_COLUMNS = {
    "line_id": "Lineitem ID",
    "receipt_id": "Receipt ID",
    "amount": "Amount",
    "date": "Date",
    "election": "Recipient Election",
    "recipient_committee_id": "Recipient Gov ID",
    "first_name": "Donor First Name",
    "last_name": "Donor Last Name",
    "street_1": "Donor Addr1",
    "street_2": "Donor Addr2",
    "city": "Donor City",
    "state": "Donor State",
    "zip": "Donor ZIP",
    "country": "Donor Country",
    "occupation": "Donor Occupation",
    "employer": "Donor Employer",
    "email": "Donor Email",
    "phone": "Donor Phone",
    "page": "Fundraising Page",
    "reference_code": "Reference Code",
    "recurring_total_months": "Recurring Total Months",
    "recurrence_number": "Recurrence Number",
    "recur_weekly": "Recur Weekly",
    "refund_id": "Refund ID",
    "refund_date": "Refund Date",
}
#: Without these a file is not ActBlue's contributions CSV.
CSV_REQUIRED = (
    "Receipt ID",
    "Date",
    "Amount",
    "Lineitem ID",
    "Donor First Name",
    "Donor Last Name",
)


def actblue_source(organization_id: int, columns: dict[str, str] | None = None) -> Source:
    """The campaign's reading of ActBlue: its elections, time zone and committee id."""
    elections = db.session.scalars(
        select(CandidateElection).where(CandidateElection.organization_id == organization_id)
    ).all()
    return Source(
        processor=PROCESSOR,
        columns=columns or CSV_COLUMNS,
        zone=campaign_zone(organization_id),
        source_zone=CSV_ZONE,
        designations=Designations(elections),
        conduit_name=CONDUIT_NAME,
        conduit_committee_id=CONDUIT_COMMITTEE_ID,
        committee_id=committee_settings(organization_id).committee_id,
        method=Method.CARD,
        negative="refund",
    )


# The webhook: donation field -> where it is in the JSON (also how a reject names it).
WEBHOOK_PATHS = {
    "first_name": "donor.firstname",
    "last_name": "donor.lastname",
    "street_1": "donor.addr1",
    "city": "donor.city",
    "state": "donor.state",
    "zip": "donor.zip",
    "country": "donor.country",
    "email": "donor.email",
    "phone": "donor.phone",
    "employer": "donor.employerData.employer",
    "occupation": "donor.employerData.occupation",
    "receipt_id": "contribution.orderNumber",
    "page": "contribution.contributionForm",
    "reference_code": "contribution.refcode",
    "line_id": "lineitems[].lineitemId",
    "amount": "lineitems[].amount",
    "date": "lineitems[].paidAt",
    "recipient_committee_id": "lineitems[].fecId",
    "refund_id": "lineitems[].refundId",
    "refund_date": "lineitems[].refundedAt",
}


def webhook_gifts(source: Source, payload: Any) -> list[GiftRow]:
    """The gifts of one notification (a contribution, or a refund: a line item with
    ``refundedAt``), one per line item for this campaign's committee."""
    if not isinstance(payload, dict):
        raise RowProblem("body", "expected a JSON object with donor, contribution, lineitems")
    donor, contribution = payload.get("donor"), payload.get("contribution")
    lineitems = payload.get("lineitems")
    for name, value, kind in (
        ("donor", donor, dict),
        ("contribution", contribution, dict),
        ("lineitems", lineitems, list),
    ):
        if not isinstance(value, kind):
            raise RowProblem(name, f"expected {'an object' if kind is dict else 'a list'}")
    if not lineitems:
        raise RowProblem("lineitems", "no line items")
    gifts = []
    for index, item in enumerate(lineitems):
        if not isinstance(item, dict):
            raise RowProblem(f"lineitems[{index}]", "expected an object")
        fec_id = _text(item.get("fecId")).upper()
        if fec_id and source.committee_id and fec_id != source.committee_id.upper():
            continue  # a split gift's share for another committee: not ours
        paths = {name: path.replace("[]", f"[{index}]") for name, path in WEBHOOK_PATHS.items()}
        values = {name: _at(payload, path, item) for name, path in WEBHOOK_PATHS.items()}
        if values["refund_date"] and not values["refund_id"]:
            values["refund_id"] = values["line_id"]  # refunded once, wholly
        if not values["refund_date"]:
            values["refund_id"] = ""
        period = _text(contribution.get("recurringPeriod")).lower()
        if period and period != "once":
            values["recurring_series"] = values["receipt_id"]
        read = replace(source, columns=paths)
        gifts.append(read_gift(read, lambda name, values=values: values.get(name, "")))
    return gifts


def _at(payload: dict, path: str, item: dict) -> str:
    """The text at a dotted path (``lineitems[]`` is the line item at hand)."""
    parts = path.split(".")
    node: Any = item if parts[0] == "lineitems[]" else payload.get(parts[0])
    for part in parts[1:]:
        node = node.get(part) if isinstance(node, dict) else None
    return _text(node)


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, float):
        return repr(value)  # 25.0 -> "25.0": parse_cents reads it exactly
    # The database takes neither NUL characters nor lone surrogates: a notification's text
    # is kept without them rather than refused.
    return str(value).encode("utf-8", "ignore").decode("utf-8").replace("\x00", "").strip()
