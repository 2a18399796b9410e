"""The survey filter targets each person's latest answer; answers come from logged notes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.actor import Actor
from app.people.models import SurveyAnswer
from app.people.operations import add_note
from tests.factories import auth_headers, create_household, create_person


@pytest.fixture
def voters(org, director):
    household = create_household(org)
    people = {name: create_person(org, household=household, first_name=name) for name in "ABC"}
    last_week = datetime.now(UTC) - timedelta(days=7)
    add_note(Actor.of(director), people["A"], "call", last_week, {"support": "4"})
    add_note(Actor.of(director), people["A"], "call again", None, {"support": "1"})  # latest wins
    add_note(Actor.of(director), people["B"], "call", last_week, {"support": "2"})
    add_note(Actor.of(director), people["B"], "changed mind", None, {"support": "5"})
    add_note(Actor.of(director), people["C"], "call", None, {"top_issue": "housing"})
    return people


def test_the_latest_answer_counts_and_history_is_kept(matching, voters, db_session):
    a, b, c = voters["A"].id, voters["B"].id, voters["C"].id
    assert matching({"survey": [{"question": "support", "answers": ["1", "2"]}]}) == {a}
    assert matching({"survey": [{"question": "support", "answers": ["5"]}]}) == {b}
    assert matching({"survey": [{"question": "top_issue", "answers": ["housing"]}]}) == {c}
    both = [{"question": "support", "answers": ["1"]}, {"question": "top_issue", "answers": ["x"]}]
    assert matching({"survey": both}) == set()
    assert db_session.query(SurveyAnswer).filter_by(person_id=voters["A"].id).count() == 2


def test_one_answer_per_question_per_day(org, director, voters, db_session):
    add_note(Actor.of(director), voters["A"], "and again", None, {"support": "3"})
    answers = db_session.query(SurveyAnswer).filter_by(person_id=voters["A"].id).all()
    assert sorted(answer.answer for answer in answers) == ["3", "4"]


@pytest.fixture
def headers(director):
    return auth_headers(director)


def test_a_note_with_answers_through_the_api(client, headers, voters):
    person = voters["C"]
    response = client.post(
        f"/api/v1/people/{person.id}/interactions",
        json={"summary": "phoned", "answers": {"support": "2"}},
        headers=headers,
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"] == {"answers": {"support": "2"}}
    response = client.post(
        "/api/v1/universes/count",
        json={"filter": {"survey": [{"question": "support", "answers": ["2"]}]}},
        headers=headers,
    )
    assert response.get_json()["people"] == 1


def test_bad_survey_filters_name_the_field(client, headers):
    response = client.post(
        "/api/v1/universes/count",
        json={"filter": {"survey": [{"question": "Support!", "answers": []}]}},
        headers=headers,
    )
    assert response.status_code == 422
    assert any(key.startswith("filter.survey") for key in response.get_json()["error"]["fields"])
