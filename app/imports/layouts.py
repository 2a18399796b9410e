"""Voter-file layouts: which column of a state's file feeds which Doorstep field.

A layout names the file's columns for each canonical field (``CANONICAL_FIELDS``), the codes it
uses, and how its vote history is laid out. The reader checks the header against the layout
before anything is written, so a file in the wrong layout is refused up front.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from app.voters.models import VoteMethod

# What the staging table holds for every voter, whatever the state.
CANONICAL_FIELDS = (
    "state_key",
    "title",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "gender",
    "birth_date",
    "birth_year",
    "registered_on",
    "status",
    "status_changed_on",
    "party",
    "last_voted_on",
    "house_number",
    "house_number_suffix",
    "street",
    "address_line",  # a whole "123 MAIN ST APT 4" when the file does not split it
    "unit",
    "city",
    "state",
    "zip",
    "lon",
    "lat",
    "precinct_code",
    "precinct_split",
    "county",
    "phone",
    "email",
    "confidential",
)
DATE_FIELDS = ("birth_date", "registered_on", "status_changed_on", "last_voted_on")
REQUIRED_FIELDS = ("state_key", "last_name")


@dataclass(frozen=True)
class VoterLayout:
    name: str
    title: str
    state: str
    # canonical field -> the file's header, or the headers of its parts (joined by a space)
    columns: dict[str, str | tuple[str, ...]]
    delimiter: str = ","
    encoding: str = "utf-8"
    date_format: str = "MM/DD/YYYY"  # a key of app.imports.dates.DATE_FORMATS
    genders: dict[str, str] | None = None  # file code -> M/F/U/X; None: not checked
    statuses: frozenset[str] | None = None
    confidential_values: frozenset[str] = frozenset({"Y", "YES", "TRUE", "1"})
    coordinates: str | None = None  # one "lon,lat" column (Pennsylvania's geocoder output)
    history: HistoryColumns | None = None
    # A file without a header row: its columns, by position (the state's documented list).
    fixed_columns: tuple[str, ...] | None = None
    # The state's own delivery, read instead when a file is in it (see ``delivered_variant``).
    delivered: VoterLayout | None = None
    # (age column, as-of date column): birth year = the as-of date's year - age.
    age: tuple[str, str] | None = None

    def missing_columns(self, header: list[str]) -> list[str]:
        present = set(header)
        wanted = [name for value in self.columns.values() for name in _parts(value)]
        if self.coordinates:
            wanted.append(self.coordinates)
        if self.age:
            wanted += self.age
        return [name for name in wanted if name not in present]

    def label(self, field_name: str) -> str:
        """The file's header for a field, as a rejects report names it."""
        return "+".join(_parts(self.columns[field_name]))


def _parts(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


@dataclass(frozen=True)
class HistoryColumns:
    """Vote history carried in the voter file itself.

    ``pairs``: Pennsylvania's "Election N Vote Method" / "Election N Party" columns, decoded by
    an election map. ``pattern``: Ohio's one column per election, named like
    ``GENERAL-11/03/2020``, holding ``X`` or the primary ballot's party.
    """

    methods: dict[str, VoteMethod]
    pair_count: int = 0
    pattern: re.Pattern[str] | None = None
    voted_marks: frozenset[str] = field(default_factory=frozenset)

    def pair_headers(self, n: int) -> tuple[str, str]:
        return f"Election {n} Vote Method", f"Election {n} Party"


PA_GENDERS = {"M": "M", "F": "F", "U": "U", "X": "X", "": "U"}

PENNSYLVANIA = VoterLayout(
    name="pa",
    title="Pennsylvania Full Voter Export",
    state="PA",
    columns={
        "state_key": "ID Number",
        "title": "Title",
        "last_name": "Last Name",
        "first_name": "First Name",
        "middle_name": "Middle Name",
        "suffix": "Suffix",
        "gender": "Gender",
        "birth_date": "DOB",
        "birth_year": "Birth Year",
        "registered_on": "Registration Date",
        "status": "Voter Status",
        "status_changed_on": "Status Change Date",
        "party": "Party Code",
        "house_number": "House Number",
        "house_number_suffix": "House Number Suffix",
        "street": "Street Name",
        "unit": "Apartment Number",
        "city": "City",
        "state": "State",
        "zip": "Zip",
        "last_voted_on": "Last Vote Date",
        "precinct_code": "Precinct Code",
        "precinct_split": "Precinct Split ID",
        "phone": "Home Phone",
        "county": "County",
    },
    genders=PA_GENDERS,
    statuses=frozenset({"A", "I"}),
    coordinates="TIGER/Line Lng/Lat",
    history=HistoryColumns(
        methods={
            "AP": VoteMethod.POLLS,
            "AB": VoteMethod.ABSENTEE,
            "MB": VoteMethod.MAIL,
            "P": VoteMethod.PROVISIONAL,
        },
        pair_count=40,
    ),
)

# Pennsylvania's "Voter Export Layout": the Full Voter Export as the state delivers it, one file
# per county, tab-separated, text in double quotes, no header row, these 153 columns in order.
PA_EXPORT_COLUMNS = (
    "ID Number", "Title", "Last Name", "First Name", "Middle Name", "Suffix", "Gender", "DOB",
    "Registration Date", "Voter Status", "Status Change Date", "Party Code", "House Number",
    "House Number Suffix", "Street Name", "Apartment Number", "Address Line 2", "City", "State",
    "Zip", "Mail Address 1", "Mail Address 2", "Mail City", "Mail State", "Mail Zip",
    "Last Vote Date", "Precinct Code", "Precinct Split ID", "Date Last Changed", "Custom Data 1",
    *(f"District {n}" for n in range(1, 41)),
    *(name for n in range(1, 41) for name in (f"Election {n} Vote Method", f"Election {n} Party")),
    "Home Phone", "County", "Mail Country",
)  # fmt: skip

PENNSYLVANIA_DELIVERED = replace(
    PENNSYLVANIA,
    name="pa",
    title="Pennsylvania Full Voter Export (tab-separated, as delivered)",
    delimiter="\t",
    columns={k: v for k, v in PENNSYLVANIA.columns.items() if k != "birth_year"},
    coordinates=None,
    fixed_columns=PA_EXPORT_COLUMNS,
)
PENNSYLVANIA = replace(PENNSYLVANIA, delivered=PENNSYLVANIA_DELIVERED)

NORTH_CAROLINA = VoterLayout(
    name="nc",
    title="North Carolina ncvoter",
    state="NC",
    delimiter="\t",
    encoding="latin-1",
    columns={
        "state_key": "ncid",
        "last_name": "last_name",
        "first_name": "first_name",
        "middle_name": "midl_name",
        "suffix": "name_suffix_lbl",
        "gender": "gender_code",
        "birth_year": "birth_year",
        "registered_on": "registr_dt",
        "status": "status_cd",
        "party": "party_cd",
        "address_line": "res_street_address",
        "city": "res_city_desc",
        "state": "state_cd",
        "zip": "zip_code",
        "precinct_code": "precinct_abbrv",
        "county": "county_desc",
        "phone": "full_phone_number",
        "confidential": "confidential_ind",
    },
    genders={"M": "M", "F": "F", "U": "U", "": "U"},
    statuses=frozenset({"A", "I", "R", "D", "S"}),
)

# North Carolina's VR_Snapshot_YYYYMMDD file (NCSBE layout_VR_Snapshot.txt): tab-separated with
# a header row; the address in parts, ``age`` (at ``snapshot_dt``) instead of a birth year.
NC_SNAPSHOT_COLUMNS = (
    "snapshot_dt", "county_id", "county_desc", "voter_reg_num", "ncid", "status_cd",
    "voter_status_desc", "reason_cd", "voter_status_reason_desc", "absent_ind",
    "name_prefx_cd", "last_name", "first_name", "midl_name", "name_sufx_cd", "house_num",
    "half_code", "street_dir", "street_name", "street_type_cd", "street_sufx_cd",
    "unit_designator", "unit_num", "res_city_desc", "state_cd", "zip_code", "mail_addr1",
    "mail_addr2", "mail_addr3", "mail_addr4", "mail_city", "mail_state", "mail_zipcode",
    "area_cd", "phone_num", "race_code", "race_desc", "ethnic_code", "ethnic_desc", "party_cd",
    "party_desc", "sex_code", "sex", "age", "birth_place", "registr_dt", "precinct_abbrv",
    "precinct_desc", "municipality_abbrv", "municipality_desc", "ward_abbrv", "ward_desc",
    "cong_dist_abbrv", "cong_dist_desc", "super_court_abbrv", "super_court_desc",
    "judic_dist_abbrv", "judic_dist_desc", "nc_senate_abbrv", "nc_senate_desc",
    "nc_house_abbrv", "nc_house_desc", "county_commiss_abbrv", "county_commiss_desc",
    "township_abbrv", "township_desc", "school_dist_abbrv", "school_dist_desc",
    "fire_dist_abbrv", "fire_dist_desc", "water_dist_abbrv", "water_dist_desc",
    "sewer_dist_abbrv", "sewer_dist_desc", "sanit_dist_abbrv", "sanit_dist_desc",
    "rescue_dist_abbrv", "rescue_dist_desc", "munic_dist_abbrv", "munic_dist_desc",
    "dist_1_abbrv", "dist_1_desc", "dist_2_abbrv", "dist_2_desc", "confidential_ind",
    "cancellation_dt", "vtd_abbrv", "vtd_desc", "load_dt", "age_group",
)  # fmt: skip

NORTH_CAROLINA_SNAPSHOT = VoterLayout(
    name="nc-snapshot",
    title="North Carolina VR_Snapshot",
    state="NC",
    delimiter="\t",
    encoding="latin-1",
    date_format="YYYY-MM-DD",
    columns={
        "state_key": "ncid",
        "last_name": "last_name",
        "first_name": "first_name",
        "middle_name": "midl_name",
        "suffix": "name_sufx_cd",
        "gender": "sex_code",
        "registered_on": "registr_dt",
        "status": "status_cd",
        "party": "party_cd",
        "house_number": "house_num",
        "house_number_suffix": "half_code",
        "street": ("street_dir", "street_name", "street_type_cd", "street_sufx_cd"),
        "unit": ("unit_designator", "unit_num"),
        "city": "res_city_desc",
        "state": "state_cd",
        "zip": "zip_code",
        "precinct_code": "precinct_abbrv",
        "county": "county_desc",
        "confidential": "confidential_ind",
    },
    age=("age", "snapshot_dt"),
    genders={"M": "M", "F": "F", "U": "U", "": "U"},
    statuses=frozenset({"A", "I", "R", "D", "S"}),
)

OHIO = VoterLayout(
    name="oh",
    title="Ohio Statewide Voter File (SWVF)",
    state="OH",
    date_format="YYYY-MM-DD",
    columns={
        "state_key": "SOS_VOTERID",
        "last_name": "LAST_NAME",
        "first_name": "FIRST_NAME",
        "middle_name": "MIDDLE_NAME",
        "suffix": "SUFFIX",
        "birth_date": "DATE_OF_BIRTH",
        "registered_on": "REGISTRATION_DATE",
        "status": "VOTER_STATUS",
        "party": "PARTY_AFFILIATION",
        "address_line": "RESIDENTIAL_ADDRESS1",
        "unit": "RESIDENTIAL_SECONDARY_ADDR",
        "city": "RESIDENTIAL_CITY",
        "state": "RESIDENTIAL_STATE",
        "zip": "RESIDENTIAL_ZIP",
        "precinct_code": "PRECINCT_CODE",
        "county": "COUNTY_NUMBER",
    },
    statuses=frozenset({"ACTIVE", "CONFIRMATION"}),
    history=HistoryColumns(
        methods={"X": VoteMethod.UNKNOWN},
        pattern=re.compile(r"^(PRIMARY|GENERAL|SPECIAL)-(\d{2}/\d{2}/\d{4})$"),
        voted_marks=frozenset({"X"}),
    ),
)

BUILT_IN_LAYOUTS = {
    layout.name: layout for layout in (PENNSYLVANIA, NORTH_CAROLINA, NORTH_CAROLINA_SNAPSHOT, OHIO)
}


def mapping_layout(
    name: str,
    *,
    state: str,
    columns: dict[str, str],
    delimiter: str = ",",
    encoding: str = "utf-8",
    date_format: str = "MM/DD/YYYY",
) -> VoterLayout:
    """A director's saved mapping, as a layout (validated by ``ImportMappingSchema``)."""
    return VoterLayout(
        name=name,
        title=f"Mapping {name}",
        state=state,
        columns=dict(columns),
        delimiter=delimiter,
        encoding=encoding,
        date_format=date_format,
    )


# NC's ncvhis voting_method, and its vote-history columns.
NC_HISTORY_METHODS = {
    "IN-PERSON": VoteMethod.POLLS,
    "ELECTION DAY": VoteMethod.POLLS,
    "CURBSIDE": VoteMethod.POLLS,
    "ABSENTEE ONESTOP": VoteMethod.EARLY,
    "ABSENTEE BY MAIL": VoteMethod.MAIL,
    "ABSENTEE CURBSIDE": VoteMethod.EARLY,
    "ABSENTEE": VoteMethod.ABSENTEE,
    "PROVISIONAL": VoteMethod.PROVISIONAL,
    "TRANSFER": VoteMethod.POLLS,
    "": VoteMethod.UNKNOWN,
}
NC_HISTORY_COLUMNS = ("ncid", "election_lbl", "election_desc", "voting_method", "voted_party_cd")


def election_kind(name: str) -> str:
    """general, primary, municipal or special, from an election's name."""
    upper = name.upper()
    for kind in ("PRIMARY", "SPECIAL", "MUNICIPAL", "GENERAL"):
        if kind in upper:
            return kind.lower()
    return "other"
