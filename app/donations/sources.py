"""Gifts as processors deliver them: one row (a CSV line, a webhook's line item) read into the
fields ``record_donation`` takes, or refused naming the column and why.

Every source (ActBlue's CSV and webhook, a saved mapping for WinRed, Anedot or a bank) is a
``Source``: which of its columns holds each donation field, its time zone, its processor and
conduit, and what a negative amount means. ``read_gift`` is the one reader of them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from app.donations.models import CandidateElection, Donation, ElectionKind, Method
from app.donations.parsing import DayError, MoneyError, parse_cents, parse_day

#: The donation fields a source's columns may feed (a mapping's keys).
SOURCE_FIELDS = (
    "line_id",  # the processor's id of the gift: re-imports are matched on it
    "receipt_id",
    "amount",
    "date",
    "election",
    "method",
    "check_number",
    "prefix",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "street_1",
    "street_2",
    "city",
    "state",
    "zip",
    "country",
    "employer",
    "occupation",
    "email",
    "phone",
    "page",
    "reference_code",
    "recurring_series",
    "recurring_total_months",
    "recurrence_number",
    "recur_weekly",
    "refund_id",
    "refund_date",
    "memo",
    "recipient_committee_id",
)
REQUIRED_FIELDS = ("line_id", "amount", "date")
NEGATIVE = ("reject", "refund")
# Cut to the column (the FEC's widths for the contributor's details).
_CUT = {
    name: getattr(Donation, name).type.length
    for name in (
        "prefix",
        "first_name",
        "middle_name",
        "last_name",
        "suffix",
        "street_1",
        "street_2",
        "city",
        "state",
        "employer",
        "occupation",
        "phone",
        "page",
        "reference_code",
        "memo",
        "check_number",
    )
}
_ID_WIDTH = Donation.processor_line_id.type.length
_KIND_WORDS = {kind.name.lower(): kind for kind in ElectionKind}
_CODE = re.compile(r"^[PGRSCO][0-9]{4}$")
_WORDS = re.compile(
    r"^(?:(?P<y1>[0-9]{4})\s+)?(?P<kind>[a-z]+)(?:\s+election)?(?:\s+(?P<y2>[0-9]{4}))?$"
)
_TRUE = {"t", "true", "yes", "y", "1"}
# Countries as processors spell them (ActBlue writes "United States"); any other name is
# kept as "ZZ" (foreign, unknown): a foreign address is flagged whichever country it is.
_COUNTRIES = {
    "": "US",
    "us": "US",
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states": "US",
    "united states of america": "US",
    "canada": "CA",
    "mexico": "MX",
    "united kingdom": "GB",
    "great britain": "GB",
    "germany": "DE",
    "france": "FR",
    "israel": "IL",
    "japan": "JP",
    "australia": "AU",
    "ireland": "IE",
    "italy": "IT",
    "spain": "ES",
    "india": "IN",
}
_METHODS = {method.value: method for method in Method} | {
    "credit card": Method.CARD,
    "credit": Method.CARD,
    "ach": Method.WIRE,
    "eft": Method.WIRE,
    "paypal": Method.CARD,
}


class RowProblem(ValueError):
    """A row refused: the column it names, why, and the value."""

    def __init__(self, column: str, reason: str, value: str = ""):
        super().__init__(reason)
        self.column, self.reason, self.value = column, reason, value


@dataclass(frozen=True)
class Refund:
    refund_id: str  # the entry's processor_line_id (prefixed: never a line id)
    on: date
    cents: int


@dataclass(frozen=True)
class GiftRow:
    line_id: str
    fields: dict[str, Any]  # what record_donation takes
    refund: Refund | None = None


class Designations:
    """Which of the campaign's elections a row's election label means (docs/money.md)."""

    def __init__(self, elections: Sequence[CandidateElection]):
        ordered = sorted(elections, key=lambda e: (e.held_on, e.id))
        self._ordered = [(e.held_on, e.kind, e.id) for e in ordered]
        self._codes = {e.code.upper(): e.id for e in ordered}
        self.limits = {e.id: e.limit_cents for e in ordered}
        self.cycles = {e.id: e.cycle for e in ordered}

    def __bool__(self) -> bool:
        return bool(self._ordered)

    def designate(self, label: str, day: date, column: str) -> int:
        text = " ".join(label.strip().lower().split())
        if not text:
            return self._next(day, None, column, label)
        if _CODE.match(text.upper()):
            found = self._codes.get(text.upper())
            if found is None:
                raise RowProblem(column, f"the campaign has no {text.upper()} election", label)
            return found
        words = _WORDS.match(text)
        kind = _KIND_WORDS.get(words["kind"]) if words else None
        if kind is None:
            raise RowProblem(
                column, "unknown election (primary, general ... with a year, or P2026)", label
            )
        year = words["y1"] or words["y2"]
        if year:
            found = self._codes.get(f"{kind.value}{year}")
            if found is None:
                raise RowProblem(column, f"the campaign has no {kind.value}{year} election", label)
            return found
        return self._next(day, kind, column, label)

    def _next(self, day: date, kind: ElectionKind | None, column: str, label: str) -> int:
        """An undesignated gift goes to the next election after it is made (11 CFR 110.1)."""
        for held_on, election_kind, election_id in self._ordered:
            if held_on >= day and (kind is None or election_kind == kind):
                return election_id
        what = f"{kind.name.lower()} " if kind else ""
        raise RowProblem(column, f"no {what}election on or after {day}: add it first", label)


@dataclass(frozen=True)
class Source:
    processor: str
    #: donation field -> the source's column (as the rejects report names it)
    columns: dict[str, str]
    zone: ZoneInfo  # the campaign's: received_on is a day there
    designations: Designations
    source_zone: ZoneInfo | None = None  # timestamps without an offset are in this zone
    conduit_name: str | None = None
    conduit_committee_id: str | None = None
    committee_id: str | None = None  # the campaign's own: another committee's rows are refused
    method: Method = Method.CARD
    negative: str = "reject"

    def label(self, name: str) -> str:
        return self.columns.get(name, name)


def read_gift(source: Source, get: Callable[[str], str]) -> GiftRow:
    """One row's gift; ``get(field)`` is the row's text for a donation field ('' if none)."""
    line_id = get("line_id").strip()
    if not line_id:
        raise RowProblem(source.label("line_id"), "missing the processor's id of the gift")
    if len(line_id) > _ID_WIDTH:
        raise RowProblem(source.label("line_id"), f"longer than {_ID_WIDTH} characters", line_id)
    try:
        cents = parse_cents(get("amount"))
    except MoneyError as exc:
        raise RowProblem(source.label("amount"), str(exc), get("amount")) from None
    day = _day(source, "date", get("date"))
    recipient = get("recipient_committee_id").strip().upper()
    if recipient and source.committee_id and recipient != source.committee_id.upper():
        raise RowProblem(
            source.label("recipient_committee_id"), "another committee's gift", recipient
        )
    refund_id = get("refund_id").strip()
    if cents < 0 and source.negative != "refund":
        raise RowProblem(
            source.label("amount"), "a negative amount (this source refuses them)", get("amount")
        )
    if cents == 0:
        raise RowProblem(source.label("amount"), "a zero amount", get("amount"))
    refund = None
    if refund_id or cents < 0:
        refund_id = refund_id or line_id
        if len(refund_id) > _ID_WIDTH - 7:
            raise RowProblem(source.label("refund_id"), "too long an id", refund_id)
        on = _day(source, "refund_date", get("refund_date")) if get("refund_date").strip() else day
        refund = Refund(f"refund-{refund_id}", on, abs(cents))
    election_id = source.designations.designate(get("election"), day, source.label("election"))
    fields = {
        "amount_cents": abs(cents),
        "election_id": election_id,
        "received_on": day,
        "method": _method(source, get("method")),
        "processor": source.processor,
        "processor_line_id": line_id,
        "processor_receipt_id": get("receipt_id").strip()[:_ID_WIDTH] or None,
        "conduit_name": source.conduit_name,
        "conduit_committee_id": source.conduit_committee_id,
        "country": _country(get("country")),
        "zip": _zip(get("zip")),
        "recurring_series": _series(get),
    }
    for name, width in _CUT.items():
        value = get(name).strip()
        fields[name] = value[:width] or None
    email = get("email").strip()
    if len(email) > Donation.email.type.length:
        raise RowProblem(source.label("email"), "too long an email address", email)
    fields["email"] = email or None
    if fields["state"]:
        fields["state"] = fields["state"].upper()
    return GiftRow(line_id, fields, refund)


def _day(source: Source, name: str, text: str) -> date:
    try:
        return parse_day(text, source.source_zone or source.zone, source.zone)
    except DayError as exc:
        raise RowProblem(source.label(name), str(exc), text) from None


def _method(source: Source, text: str) -> Method:
    value = text.strip().lower()
    if not value:
        return source.method
    method = _METHODS.get(value)
    if method is None:
        raise RowProblem(source.label("method"), f"unknown method (use {', '.join(Method)})", text)
    return method


def _country(text: str) -> str:
    value = text.strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()
    return _COUNTRIES.get(value.lower(), "ZZ")


def _zip(text: str) -> str | None:
    value = text.replace("-", "").replace(" ", "")
    return value[:9] or None


def _series(get: Callable[[str], str]) -> str | None:
    """A recurring gift's series: the processor's receipt (order) number, the same for every
    recurrence; or the mapped series column."""
    given = get("recurring_series").strip()
    if given:
        return given[:60]
    months = get("recurring_total_months").strip()
    number = get("recurrence_number").strip()
    recurring = (months and months not in ("0", "1")) or (number and number not in ("0", "1"))
    if recurring or get("recur_weekly").strip().lower() in _TRUE:
        return get("receipt_id").strip()[:60] or None
    return None
