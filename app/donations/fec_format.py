"""The FEC's electronic filing format, version 8.4: records of ASCII fields separated by the
ASCII file separator (28), each ended by CR LF; dates YYYYMMDD; amounts in dollars with two
decimals. Pure: nothing here reads the database.

Form 3's summary and Schedules A and B as 8.4 lays them out (the FEC's own schema,
``fecgov/fecfile-validate``, ``schema/8.4/F3.json``; the open-source ``fecfile`` parser reads
8.0 to 8.5 with these columns).

>>> money(-5), money(123456)
('-0.05', '1234.56')
>>> record("HDR", "FEC", "8.4").replace(FS, "|")
'HDR|FEC|8.4\\r\\n'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

VERSION = "8.4"
SOFTWARE = "Doorstep"
SOFTWARE_VERSION = "0.1.0"
FS = "\x1c"
EOL = "\r\n"
_UNPRINTABLE = re.compile(r"[^ -~]")

#: The summary lines of column A (this period), in the record's order (F3 columns 24-62).
COLUMN_A = (
    "6a", "6b", "6c", "7a", "7b", "7c", "8", "9", "10",
    "11ai", "11aii", "11aiii", "11b", "11c", "11d", "11e",
    "12", "13a", "13b", "13c", "14", "15", "16", "17", "18", "19a", "19b", "19c",
    "20a", "20b", "20c", "20d", "21", "22", "23", "24", "25", "26", "27",
)  # fmt: skip
#: Column B (election cycle to date), F3 columns 63-93.
COLUMN_B = (
    "6a", "6b", "6c", "7a", "7b", "7c",
    "11ai", "11aii", "11aiii", "11b", "11c", "11d", "11e",
    "12", "13a", "13b", "13c", "14", "15", "16", "17", "18", "19a", "19b", "19c",
    "20a", "20b", "20c", "20d", "21", "22",
)  # fmt: skip


@dataclass(frozen=True)
class Header:
    """Form 3's first 23 columns: who files, for what period and report."""

    form_type: str  # F3N or F3A
    committee_id: str
    committee_name: str
    street_1: str
    street_2: str
    city: str
    state: str
    zip: str
    election_state: str
    election_district: str
    report_code: str
    election_code: str
    election_date: date | None
    coverage_from: date
    coverage_through: date
    treasurer_last_name: str
    treasurer_first_name: str
    date_signed: date
    #: The amended filing's FEC id and the amendment's number (HDR columns 6 and 7).
    amends_filing_id: str = ""
    amendment_number: int = 0


@dataclass(frozen=True)
class Line:
    """One itemised record of Schedule A (a receipt) or B (a refund): amounts in cents."""

    form_type: str  # SA11AI, SA11B ... SB20A
    transaction_id: str
    entity_type: str
    date: date
    amount_cents: int
    aggregate_cents: int | None = None
    organization_name: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    street_1: str | None = None
    street_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    election_code: str | None = None
    purpose: str | None = None
    employer: str | None = None
    occupation: str | None = None
    committee_fec_id: str | None = None
    is_memo: bool = False
    memo_text: str | None = None
    back_reference_id: str | None = None
    back_reference_form: str | None = None
    category_code: str | None = None
    #: The ledger entry it comes from (not written: the CSV export carries it).
    donation_id: int | None = None

    @property
    def schedule(self) -> str:
        return self.form_type[:2]


def summary_columns(
    sums: dict[str, dict[str, int]], cash_start_cents: int
) -> tuple[dict[str, int], dict[str, int]]:
    """The summary page from the ledger's sums: receipts and refunds come from the ledger;
    loans, transfers and operating expenditures are not kept here and stand at 0."""
    columns = []
    for name, keys in (("a", COLUMN_A), ("b", COLUMN_B)):
        column = dict.fromkeys(keys, 0)
        column.update(sums[name])
        column["11aiii"] = column["11ai"] + column["11aii"]
        column["11e"] = column["11aiii"] + column["11b"] + column["11c"] + column["11d"]
        column["13c"] = column["13a"] + column["13b"]
        column["16"] = column["11e"] + column["12"] + column["13c"] + column["14"] + column["15"]
        column["6a"] = column["11e"]
        column["20d"] = column["20a"] + column["20b"] + column["20c"]
        column["6b"] = column["20d"]
        column["6c"] = column["6a"] - column["6b"]
        column["7a"] = column["17"]
        column["7b"] = column["14"]
        column["7c"] = column["7a"] - column["7b"]
        column["19c"] = column["19a"] + column["19b"]
        column["22"] = column["17"] + column["18"] + column["19c"] + column["20d"] + column["21"]
        columns.append(column)
    column_a = columns[0]
    column_a["23"] = cash_start_cents
    column_a["24"] = column_a["16"]
    column_a["25"] = column_a["23"] + column_a["24"]
    column_a["26"] = column_a["22"]
    column_a["27"] = column_a["25"] - column_a["26"]
    column_a["8"] = column_a["27"]
    return column_a, columns[1]


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def day(value: date | None) -> str:
    return value.strftime("%Y%m%d") if value else ""


def clean(value: object, limit: int | None = None) -> str:
    """A field as the format takes it: printable ASCII (accents dropped, not the letter),
    never the separator or a line break."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if _UNPRINTABLE.search(text):
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        text = _UNPRINTABLE.sub(" ", text)
    text = text.strip()
    return text[:limit] if limit else text


def record(*fields: object) -> str:
    return FS.join(clean(field) for field in fields) + EOL


def header_record(header: Header) -> str:
    amended = header.amendment_number > 0
    return record(
        "HDR",
        "FEC",
        VERSION,
        SOFTWARE,
        SOFTWARE_VERSION,
        header.amends_filing_id if amended else "",
        header.amendment_number if amended else "",
        "",
    )


def form3_record(header: Header, column_a: Mapping[str, int], column_b: Mapping[str, int]) -> str:
    front = (
        header.form_type,
        header.committee_id,
        clean(header.committee_name, 200),
        "",  # change of address
        clean(header.street_1, 34),
        clean(header.street_2, 34),
        clean(header.city, 30),
        header.state,
        header.zip,
        header.election_state,
        header.election_district,
        header.report_code,
        header.election_code,
        day(header.election_date),
        header.election_state if header.election_code else "",
        day(header.coverage_from),
        day(header.coverage_through),
        clean(header.treasurer_last_name, 30),
        clean(header.treasurer_first_name, 20),
        "",
        "",
        "",
        day(header.date_signed),
    )
    amounts = [money(column_a[name]) for name in COLUMN_A]
    amounts += [money(column_b[name]) for name in COLUMN_B]
    return record(*front, *amounts)


def schedule_a_record(committee_id: str, line: Line) -> str:
    return record(
        line.form_type,
        committee_id,
        line.transaction_id,
        line.back_reference_id,
        line.back_reference_form,
        line.entity_type,
        clean(line.organization_name, 200),
        clean(line.last_name, 30),
        clean(line.first_name, 20),
        clean(line.middle_name, 20),
        clean(line.prefix, 10),
        clean(line.suffix, 10),
        clean(line.street_1, 34),
        clean(line.street_2, 34),
        clean(line.city, 30),
        line.state,
        line.zip,
        line.election_code,
        "",  # election other description
        day(line.date),
        money(line.amount_cents),
        money(line.aggregate_cents or 0),
        clean(line.purpose, 100),
        clean(line.employer, 38),
        clean(line.occupation, 38),
        line.committee_fec_id,
        clean(line.organization_name, 200) if line.committee_fec_id else "",
        *([""] * 9),  # the donor candidate's id, name, office, state, district
        *([""] * 6),  # the conduit's name and address (the earmark memo names it instead)
        "X" if line.is_memo else "",
        clean(line.memo_text, 100),
        "",  # reference to a Schedule I or L account
    )


def schedule_b_record(committee_id: str, line: Line) -> str:
    return record(
        line.form_type,
        committee_id,
        line.transaction_id,
        line.back_reference_id,
        line.back_reference_form,
        line.entity_type,
        clean(line.organization_name, 200),
        clean(line.last_name, 30),
        clean(line.first_name, 20),
        clean(line.middle_name, 20),
        clean(line.prefix, 10),
        clean(line.suffix, 10),
        clean(line.street_1, 34),
        clean(line.street_2, 34),
        clean(line.city, 30),
        line.state,
        line.zip,
        line.election_code,
        "",
        day(line.date),
        money(line.amount_cents),
        "",  # semi-annual bundled refunds
        clean(line.purpose, 100),
        line.category_code,
        line.committee_fec_id,
        clean(line.organization_name, 200) if line.committee_fec_id else "",
        *([""] * 9),  # the beneficiary candidate
        *([""] * 6),  # the conduit
        "X" if line.is_memo else "",
        clean(line.memo_text, 100),
        "",
    )


def line_records(committee_id: str, lines: Iterable[Line]) -> list[str]:
    return [
        schedule_a_record(committee_id, line)
        if line.schedule == "SA"
        else schedule_b_record(committee_id, line)
        for line in lines
    ]
