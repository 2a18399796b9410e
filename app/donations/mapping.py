"""Saved mappings for donation exports in no built-in format (WinRed, Anedot, a bank): which
column holds each donation field, and the source's options."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from app.donations.committee import committee_settings
from app.donations.models import CandidateElection, Method
from app.donations.sources import NEGATIVE, REQUIRED_FIELDS, SOURCE_FIELDS, Designations, Source
from app.extensions import db
from app.people.operations import campaign_zone

#: option -> what it says (defaults in ``mapping_source``).
MAPPING_OPTIONS = {
    "processor": "the processor's name (winred, anedot, bank ...): gifts are matched by it and"
    " the line id",
    "method": f"the method of every gift without a method column ({', '.join(Method)};"
    " default card)",
    "conduit_name": "the conduit that forwarded the gifts (WinRed), for the memo entry",
    "conduit_committee_id": "the conduit's FEC id (C00694323 for WinRed)",
    "negative": "a negative amount: reject (default) or refund (of the gift with the same"
    " line id, once per refund id or line id)",
    "time_zone": "the zone of timestamps without an offset (default the campaign's)",
}


def check_mapping(columns: dict[str, str], options: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with a donation mapping, per field (empty when nothing)."""
    problems: dict[str, list[str]] = {}
    unknown = sorted(set(columns) - set(SOURCE_FIELDS))
    missing = [name for name in REQUIRED_FIELDS if name not in columns]
    if unknown:
        problems["columns"] = [f"Unknown fields: {', '.join(unknown)}."]
    if missing:
        problems.setdefault("columns", []).append(f"Map these fields: {', '.join(missing)}.")
    if "last_name" not in columns:
        problems.setdefault("columns", []).append("Map last_name (a gift without is anonymous).")
    bad = sorted(set(options) - set(MAPPING_OPTIONS))
    if bad:
        problems["options"] = [f"Unknown options: {', '.join(bad)}."]
    processor = options.get("processor", "")
    if not isinstance(processor, str) or not 1 <= len(processor) <= 20 or processor == "manual":
        problems.setdefault("options", []).append("Name the processor (1-20 characters).")
    negative = options.get("negative", "reject")
    if not isinstance(negative, str) or negative not in NEGATIVE:
        problems.setdefault("options", []).append("negative: reject or refund.")
    method = options.get("method", "card")
    if not isinstance(method, str) or method not in {m.value for m in Method}:
        problems.setdefault("options", []).append(f"method: one of {', '.join(Method)}.")
    for name, width in (("conduit_name", 200), ("conduit_committee_id", 9)):
        value = options.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > width):
            problems.setdefault("options", []).append(f"{name}: text of at most {width}.")
    zone = options.get("time_zone")
    if zone is not None:
        try:
            ZoneInfo(str(zone))
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            problems.setdefault("options", []).append("time_zone: not a time zone.")
    return problems


def mapping_source(organization_id: int, columns: dict[str, str], options: dict) -> Source:
    elections = db.session.scalars(
        select(CandidateElection).where(CandidateElection.organization_id == organization_id)
    ).all()
    zone = campaign_zone(organization_id)
    return Source(
        processor=options["processor"],
        columns=columns,
        zone=zone,
        source_zone=ZoneInfo(options["time_zone"]) if options.get("time_zone") else zone,
        designations=Designations(elections),
        conduit_name=options.get("conduit_name") or None,
        conduit_committee_id=options.get("conduit_committee_id") or None,
        committee_id=committee_settings(organization_id).committee_id,
        method=Method(options.get("method", "card")),
        negative=options.get("negative", "reject"),
    )
