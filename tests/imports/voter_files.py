"""Small voter files written in each state's real layout, and a helper that runs one import.

The headers are public layout information (Pennsylvania's Full Voter Export, North Carolina's
ncvoter and ncvhis, Ohio's SWVF); the rows are made up.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from sqlalchemy import func, select, text

from app.extensions import db
from app.imports.jobs import create_job, run_job
from app.imports.models import ImportJob, ImportKind
from app.people.models import Person
from app.voters.models import Registration

# The first line of the Pennsylvania export (117 columns).
PA_HEADER = (
    "ID Number,Title,Last Name,First Name,Middle Name,Suffix,Gender,DOB,Registration Date,"
    "Voter Status,Status Change Date,Party Code,House Number,House Number Suffix,Street Name,"
    "Apartment Number,Address Line 2,City,State,Zip,Mail Address 1,Mail Address 2,Mail City,"
    "Mail State,Mail Zip,TIGER/Line Match Status,TIGER/Line Match Type,"
    "TIGER/Line Matched Address,TIGER/Line Lng/Lat,Last Vote Date,Precinct Code,"
    "Precinct Split ID,Date Last Changed,Election 1 Vote Method,Election 1 Party,"
    "Election 2 Vote Method,Election 2 Party,Election 3 Vote Method,Election 3 Party,"
    "Election 4 Vote Method,Election 4 Party,Election 5 Vote Method,Election 5 Party,"
    "Election 6 Vote Method,Election 6 Party,Election 7 Vote Method,Election 7 Party,"
    "Election 8 Vote Method,Election 8 Party,Election 9 Vote Method,Election 9 Party,"
    "Election 10 Vote Method,Election 10 Party,Election 11 Vote Method,Election 11 Party,"
    "Election 12 Vote Method,Election 12 Party,Election 13 Vote Method,Election 13 Party,"
    "Election 14 Vote Method,Election 14 Party,Election 15 Vote Method,Election 15 Party,"
    "Election 16 Vote Method,Election 16 Party,Election 17 Vote Method,Election 17 Party,"
    "Election 18 Vote Method,Election 18 Party,Election 19 Vote Method,Election 19 Party,"
    "Election 20 Vote Method,Election 20 Party,Election 21 Vote Method,Election 21 Party,"
    "Election 22 Vote Method,Election 22 Party,Election 23 Vote Method,Election 23 Party,"
    "Election 24 Vote Method,Election 24 Party,Election 25 Vote Method,Election 25 Party,"
    "Election 26 Vote Method,Election 26 Party,Election 27 Vote Method,Election 27 Party,"
    "Election 28 Vote Method,Election 28 Party,Election 29 Vote Method,Election 29 Party,"
    "Election 30 Vote Method,Election 30 Party,Election 31 Vote Method,Election 31 Party,"
    "Election 32 Vote Method,Election 32 Party,Election 33 Vote Method,Election 33 Party,"
    "Election 34 Vote Method,Election 34 Party,Election 35 Vote Method,Election 35 Party,"
    "Election 36 Vote Method,Election 36 Party,Election 37 Vote Method,Election 37 Party,"
    "Election 38 Vote Method,Election 38 Party,Election 39 Vote Method,Election 39 Party,"
    "Election 40 Vote Method,Election 40 Party,Home Phone,County,Mail Country,Birth Year"
)
PA_COLUMNS = PA_HEADER.split(",")

# Election N -> name and date, as in the election lookup that comes with the export.
PA_ELECTIONS = {
    f"Election {n}": {
        "description": f"TEST ELECTION {n}",
        "date": f"05/{n % 28 + 1:02d}/{1980 + n}",
    }
    for n in range(1, 41)
}
PA_ELECTIONS["Election 1"] = {"description": "2020 GENERAL PRIMARY", "date": "06/02/2020"}
PA_ELECTIONS["Election 3"] = {"description": "2020 GENERAL ELECTION", "date": "11/03/2020"}

# North Carolina ncvoter (tab-separated, latin-1): the columns the layout reads, and others.
NC_COLUMNS = [
    "county_id", "county_desc", "voter_reg_num", "ncid", "last_name", "first_name",
    "midl_name", "name_suffix_lbl", "status_cd", "voter_status_desc", "res_street_address",
    "res_city_desc", "state_cd", "zip_code", "mail_addr1", "mail_city", "full_phone_number",
    "race_code", "ethnic_code", "party_cd", "gender_code", "birth_year", "age_at_year_end",
    "birth_state", "registr_dt", "precinct_abbrv", "precinct_desc", "confidential_ind",
]  # fmt: skip
NCVHIS_COLUMNS = [
    "county_id", "county_desc", "voter_reg_num", "election_lbl", "election_desc",
    "voting_method", "voted_party_cd", "voted_party_desc", "pct_label", "ncid",
]  # fmt: skip

# Ohio SWVF: SOS_VOTERID and 45 fixed columns; one column per election follows.
OH_COLUMNS = [
    "SOS_VOTERID", "COUNTY_NUMBER", "COUNTY_ID", "LAST_NAME", "FIRST_NAME", "MIDDLE_NAME",
    "SUFFIX", "DATE_OF_BIRTH", "REGISTRATION_DATE", "VOTER_STATUS", "PARTY_AFFILIATION",
    "RESIDENTIAL_ADDRESS1", "RESIDENTIAL_SECONDARY_ADDR", "RESIDENTIAL_CITY",
    "RESIDENTIAL_STATE", "RESIDENTIAL_ZIP", "RESIDENTIAL_ZIP_PLUS4", "RESIDENTIAL_COUNTRY",
    "RESIDENTIAL_POSTALCODE", "MAILING_ADDRESS1", "MAILING_SECONDARY_ADDRESS", "MAILING_CITY",
    "MAILING_STATE", "MAILING_ZIP", "MAILING_ZIP_PLUS4", "MAILING_COUNTRY",
    "MAILING_POSTAL_CODE", "CAREER_CENTER", "CITY", "CITY_SCHOOL_DISTRICT",
    "COUNTY_COURT_DISTRICT", "CONGRESSIONAL_DISTRICT", "COURT_OF_APPEALS",
    "EDU_SERVICE_CENTER_DISTRICT", "EXEMPTED_VILL_SCHOOL_DISTRICT", "LIBRARY",
    "LOCAL_SCHOOL_DISTRICT", "MUNICIPAL_COURT_DISTRICT", "PRECINCT_NAME", "PRECINCT_CODE",
    "STATE_BOARD_OF_EDUCATION", "STATE_REPRESENTATIVE_DISTRICT", "STATE_SENATE_DISTRICT",
    "TOWNSHIP", "VILLAGE", "WARD",
]  # fmt: skip


def pa_row(
    voter_id: str,
    last: str = "SMITH",
    first: str = "ALEX",
    *,
    house: str = "3700",
    street: str = "SPRUCE ST",
    apt: str = "",
    zip: str = "19104",
    lnglat: str = "-75.19795,39.95110",
    party: str = "D",
    gender: str = "F",
    status: str = "A",
    birth_year: str = "1980",
    registered: str = "02/23/2020",
    precinct: str = "2722",
    votes: dict[int, tuple[str, str]] | None = None,
    **cells: str,
) -> list[str]:
    """One voter in the export's column order; ``cells`` sets any column by its header."""
    values = {
        "ID Number": voter_id,
        "Last Name": last,
        "First Name": first,
        "Gender": gender,
        "Registration Date": registered,
        "Voter Status": status,
        "Party Code": party,
        "House Number": house,
        "Street Name": street,
        "Apartment Number": apt,
        "City": "PHILADELPHIA",
        "State": "PA",
        "Zip": zip,
        "TIGER/Line Lng/Lat": lnglat,
        "Precinct Code": precinct,
        "County": "PHILADELPHIA",
        "Birth Year": birth_year,
    }
    for n, (method, ballot) in (votes or {}).items():
        values[f"Election {n} Vote Method"], values[f"Election {n} Party"] = method, ballot
    values.update(cells)
    unknown = set(values) - set(PA_COLUMNS)
    assert not unknown, f"not Pennsylvania columns: {unknown}"
    return [values.get(name, "") for name in PA_COLUMNS]


def row_of(columns: Sequence[str], **cells: str) -> list[str]:
    """A row in ``columns`` order from the cells named; the rest blank."""
    unknown = set(cells) - set(columns)
    assert not unknown, f"not in the layout: {unknown}"
    return [cells.get(name, "") for name in columns]


def write_file(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run_import(
    organization_id: int, kind: ImportKind, path: Path, /, *, layout: str = "", **options
) -> ImportJob:
    """Create the job, commit it, run it and commit, as the worker does (no progress thread).

    Under the test harness a commit only releases a savepoint, so the import's ON COMMIT DROP
    temporary tables are dropped here by hand, as a real commit would.
    """
    job = create_job(organization_id, kind, path, layout=layout, options=options)
    db.session.commit()
    job = run_job(job)
    db.session.commit()
    db.session.execute(text("DISCARD TEMP"))
    return job


def count(model, **filters) -> int:
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**filters))


def registration_of(organization, state_key: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).filter_by(organization_id=organization.id, state_key=state_key)
    )


def person_of(organization, state_key: str) -> Person | None:
    """The person the voter file's key belongs to."""
    return db.session.scalar(
        select(Person)
        .join(Registration, Registration.person_id == Person.id)
        .where(Registration.organization_id == organization.id, Registration.state_key == state_key)
    )
