"""Re-importing: the same file changes nothing; a newer file updates by key and never drops
what the campaign attached to people."""

from __future__ import annotations

from sqlalchemy import select, text

from app.core.actor import Actor
from app.extensions import db
from app.imports.models import ImportKind, JobStatus
from app.people.models import Interaction, Person
from app.people.operations import add_note
from app.voters.models import Election, Registration, Vote
from tests.imports.voter_files import (
    PA_COLUMNS,
    PA_ELECTIONS,
    count,
    pa_row,
    person_of,
    registration_of,
    run_import,
    write_file,
)

FIRST = [
    pa_row("200001-51", "ADAMS", "JO", votes={1: ("AP", "D"), 3: ("MB", "D")}),
    pa_row("200002-51", "BAKER", "KIM", apt="4", party="R", votes={3: ("AP", "R")}),
    pa_row("200003-51", "CRUZ", "LU", house="12", street="N 40TH ST", lnglat=""),
]


def import_pa(org, tmp_path, rows, name="export.csv", elections=PA_ELECTIONS, **options):
    path = write_file(tmp_path / name, PA_COLUMNS, rows)
    job = run_import(org.id, ImportKind.VOTERS, path, layout="pa", elections=elections, **options)
    assert job.status == JobStatus.SUCCEEDED, job.error
    return job


def row_versions(org) -> dict[str, set]:
    """Every row's physical version: an UPDATE that rewrites a row changes its ctid."""
    versions = {}
    for table in ("people", "registrations", "addresses", "households", "votes", "elections"):
        versions[table] = set(
            db.session.execute(
                text(
                    f"SELECT ctid::text, updated_at::text FROM {table} WHERE organization_id = :org"
                )
                if table in ("people", "registrations")
                else text(f"SELECT ctid::text FROM {table} WHERE organization_id = :org"),
                {"org": org.id},
            ).all()
        )
    return versions


def test_the_same_file_twice_changes_nothing(org, tmp_path):
    import_pa(org, tmp_path, FIRST)
    before, interactions = row_versions(org), count(Interaction, organization_id=org.id)
    second = import_pa(org, tmp_path, FIRST, name="again.csv")
    assert (second.rows_read, second.rows_inserted, second.rows_updated) == (3, 0, 0)
    assert (second.rows_unchanged, second.rows_rejected, second.rows_removed) == (3, 0, 0)
    assert second.summary["addresses_changed"] == 0
    assert count(Interaction, organization_id=org.id) == interactions == 3
    assert row_versions(org) == before
    assert count(Person, organization_id=org.id) == 3


def test_a_changed_party_updates_one_person(org, tmp_path):
    import_pa(org, tmp_path, FIRST)
    changed = [
        FIRST[0],
        pa_row("200002-51", "BAKER", "KIM", apt="4", party="D", votes={3: ("AP", "R")}),
        FIRST[2],
    ]
    job = import_pa(org, tmp_path, changed, name="newer.csv")
    assert (job.rows_inserted, job.rows_updated, job.rows_unchanged) == (0, 1, 2)
    kim = person_of(org, "200002-51")
    assert kim.party == "D" and registration_of(org, "200002-51").party == "D"
    assert registration_of(org, "200002-51").last_import_job_id == job.id
    assert registration_of(org, "200001-51").last_import_job_id != job.id
    (entry,) = db.session.scalars(select(Interaction).filter_by(import_job_id=job.id))
    assert (entry.person_id, entry.summary, entry.data["action"]) == (
        kim.id,
        "Updated from the voter file",
        "updated",
    )
    assert count(Vote, organization_id=org.id) == 3
    assert count(Person, organization_id=org.id) == 3


def test_campaign_data_survives_a_reimport(org, director, tmp_path):
    import_pa(org, tmp_path, FIRST)
    jo = person_of(org, "200001-51")
    jo.tags, jo.custom_fields = ["volunteer", "yard-sign"], {"shirt": "L"}
    note = add_note(Actor.of(director), jo, "Wants a yard sign", None)
    db.session.commit()
    moved = pa_row(
        "200001-51", "ADAMS", "JO", house="4000", street="LOCUST ST", votes={3: ("MB", "D")}
    )
    job = import_pa(org, tmp_path, [moved, *FIRST[1:]], name="newer.csv")
    assert job.rows_updated == 1
    jo = person_of(org, "200001-51")
    assert (jo.tags, jo.custom_fields) == (["volunteer", "yard-sign"], {"shirt": "L"})
    assert jo.household.address.street == "LOCUST ST"
    kinds = [i.kind for i in db.session.scalars(select(Interaction).filter_by(person_id=jo.id))]
    assert sorted(kinds) == ["import", "import", "note"]
    assert db.session.get(Interaction, note.id).summary == "Wants a yard sign"


def test_a_voter_missing_from_a_newer_full_file_is_marked_off_file(org, director, tmp_path):
    import_pa(org, tmp_path, FIRST)
    lu = person_of(org, "200003-51")
    lu.tags = ["door-knocked"]
    add_note(Actor.of(director), lu, "Moved away?", None)
    db.session.commit()
    job = import_pa(org, tmp_path, FIRST[:2], name="newer.csv")
    assert (job.rows_read, job.rows_unchanged, job.rows_removed) == (2, 2, 1)
    gone = registration_of(org, "200003-51")
    assert gone.on_file is False and gone.removed_at is not None
    assert gone.last_import_job_id == job.id
    lu = person_of(org, "200003-51")
    assert lu is not None and lu.tags == ["door-knocked"]
    summaries = set(db.session.scalars(select(Interaction.summary).filter_by(person_id=lu.id)))
    assert summaries == {"Added from the voter file", "Moved away?", "No longer on the voter file"}
    # Back on a later file: on file again.
    back = import_pa(org, tmp_path, FIRST, name="later.csv")
    assert (back.rows_updated, back.rows_removed) == (1, 0)
    assert registration_of(org, "200003-51").on_file is True
    assert registration_of(org, "200003-51").removed_at is None


def test_a_partial_file_removes_nobody(org, tmp_path):
    import_pa(org, tmp_path, FIRST)
    job = import_pa(org, tmp_path, FIRST[:1], name="part.csv", full_file=False)
    assert (job.rows_unchanged, job.rows_removed) == (1, 0)
    assert job.summary["removed_step"] == "skipped: not a full file"
    assert count(Registration, organization_id=org.id, on_file=True) == 3


def test_votes_in_elections_that_left_the_file_are_kept(org, tmp_path):
    """A newer export numbers its 40 elections afresh: the oldest drops out, history stays."""
    import_pa(org, tmp_path, FIRST)
    newer_map = {f"Election {n}": PA_ELECTIONS[f"Election {n + 1}"] for n in range(1, 40)}
    newer_map["Election 40"] = {"description": "2024 GENERAL ELECTION", "date": "11/05/2024"}
    # Jo's 2020 primary (old Election 1) is gone from the file; her 2020 general moved to 2;
    # she voted in 2024 and changed party.
    jo = pa_row("200001-51", "ADAMS", "JO", party="I", votes={2: ("MB", "D"), 40: ("AP", "")})
    job = import_pa(org, tmp_path, [jo, *FIRST[1:]], name="newer.csv", elections=newer_map)
    assert job.rows_updated == 1
    names = set(
        db.session.scalars(
            select(Election.name)
            .join(Vote, Vote.election_id == Election.id)
            .where(Vote.registration_id == registration_of(org, "200001-51").id)
        )
    )
    assert names == {"2020 GENERAL PRIMARY", "2020 GENERAL ELECTION", "2024 GENERAL ELECTION"}
    assert len(person_of(org, "200001-51").vote_codes) == 3


def test_an_unchanged_line_repeated_is_still_a_duplicate_on_reimport(org, tmp_path):
    """Lines the campaign already has exactly are not checked again; a second copy of one is."""
    import_pa(org, tmp_path, FIRST)
    before = row_versions(org)
    second = import_pa(org, tmp_path, [*FIRST, FIRST[0]], name="again.csv")
    assert (second.rows_read, second.rows_unchanged, second.rows_rejected) == (4, 3, 1)
    assert (second.rows_inserted, second.rows_updated, second.rows_removed) == (0, 0, 0)
    reasons = db.session.execute(
        text("SELECT line_no, reason FROM import_rejects WHERE job_id = :job"), {"job": second.id}
    ).all()
    assert reasons == [(5, "duplicate voter id (an earlier line has it)")]
    assert row_versions(org) == before


def test_a_home_placed_later_moves_its_people_and_only_theirs(org, tmp_path):
    """A known address given a point by a newer file: its people follow it, no one else."""
    import_pa(org, tmp_path, FIRST)
    before = person_of(org, "200001-51").location
    placed = [FIRST[0], FIRST[1], FIRST[2].copy()]
    placed[2][PA_COLUMNS.index("TIGER/Line Lng/Lat")] = "-75.2101,39.9601"
    job = import_pa(org, tmp_path, placed, name="placed.csv")
    assert (job.rows_updated, job.rows_unchanged, job.summary["addresses_changed"]) == (1, 2, 1)
    located = dict(
        db.session.execute(
            text(
                "SELECT r.state_key, ST_AsText(p.location) FROM people p"
                " JOIN registrations r ON r.person_id = p.id WHERE p.organization_id = :org"
            ),
            {"org": org.id},
        ).all()
    )
    assert located["200003-51"] == "POINT(-75.2101 39.9601)"
    assert person_of(org, "200001-51").location == before
