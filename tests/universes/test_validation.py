"""A bad filter is a 422 that names the field at fault; nothing runs."""

from __future__ import annotations

import pytest

from tests.factories import auth_headers

SQUARE = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
HOLE = [[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.4], [0.2, 0.2]]

# The nasty shapes: each is refused, with a message that says why.
BAD_POLYGONS = {
    "a line": ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "got a LineString"),
    "a point": ({"type": "Point", "coordinates": [0, 0]}, "got a Point"),
    "a feature": ({"type": "Feature", "geometry": None}, "got a Feature"),
    "no type": ({"coordinates": [SQUARE]}, "with a type"),
    "not an object": ("POLYGON((0 0,1 0,1 1,0 0))", "GeoJSON geometry object"),
    "empty": ({"type": "Polygon", "coordinates": []}, "empty"),
    "garbage rings": ({"type": "Polygon", "coordinates": [[1, 2, 3]]}, "Not a valid GeoJSON"),
    "too few points": ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}, "Not a valid"),
    "bow-tie": (
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
        "Self-intersection",
    ),
    "projected metres": (
        {
            "type": "Polygon",
            "coordinates": [
                [[485000, 4420000], [486000, 4420000], [486000, 4421000], [485000, 4420000]]
            ],
        },
        "WGS84",
    ),
}


@pytest.fixture
def post_count(client, director):
    def run(body: dict):
        return client.post("/api/v1/universes/count", json=body, headers=auth_headers(director))

    return run


def _fields(response) -> dict:
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    return error["fields"]


@pytest.mark.parametrize("name", list(BAD_POLYGONS))
def test_bad_polygons_are_refused_by_name(post_count, name):
    polygon, reason = BAD_POLYGONS[name]
    problems = _fields(post_count({"filter": {"polygon": polygon}}))["filter.polygon"]
    assert any(reason in problem for problem in problems), problems


@pytest.mark.parametrize(
    "polygon",
    [
        {"type": "Polygon", "coordinates": [SQUARE, HOLE]},
        {"type": "MultiPolygon", "coordinates": [[SQUARE], [[[2, 2], [3, 2], [3, 3], [2, 2]]]]},
        {"type": "Polygon", "coordinates": [[[0, 0, 10], [1, 0, 10], [1, 1, 10], [0, 0, 10]]]},
    ],
    ids=["with a hole", "multipart", "with heights"],
)
def test_good_polygons_are_accepted(count, polygon):
    assert count({"polygon": polygon}) == {"people": 0, "households": 0, "targets": 0}


@pytest.mark.parametrize(
    ("filter", "name"),
    [
        ({"parti": ["D"]}, "filter.parti"),
        ({"age": {"min": 18, "maximum": 30}}, "filter.age.maximum"),
        ({"tags": {"some": ["x"]}}, "filter.tags.some"),
        ({"survey": [{"question": "support", "answers": ["1"], "at": 1}]}, "filter.survey.0.at"),
    ],
)
def test_unknown_keys_are_named(post_count, filter, name):
    assert _fields(post_count({"filter": filter})) == {name: ["Unknown field."]}


@pytest.mark.parametrize(
    ("filter", "field"),
    [
        ({"party": []}, "party"),
        ({"party": "D"}, "party"),
        ({"gender": ["FEMALE"]}, "gender"),
        ({"age": {}}, "age"),
        ({"age": {"min": 40, "max": 30}}, "age"),
        ({"age": {"min": -1}}, "age"),
        ({"areas": [0]}, "areas"),
        ({"vote_history": {"min": 1}}, "vote_history"),
        ({"vote_history": {"elections": [1, 2], "min": 3}}, "vote_history"),
        ({"vote_history": {"elections": [1], "methods": ["pigeon"]}}, "vote_history"),
        ({"vote_history": {"elections": [2**31]}}, "vote_history"),
        ({"tags": {}}, "tags"),
        ({"contact": {"within_days": 7}}, "contact"),
        ({"contact": {"status": "maybe"}}, "contact"),
        ({"contact": {"status": "not_contacted", "last_result": ["x"]}}, "contact"),
        ({"include_suppressed": "sometimes"}, "include_suppressed"),
    ],
)
def test_malformed_values_are_named(post_count, filter, field):
    names = list(_fields(post_count({"filter": filter})))
    assert names and all(name.startswith(f"filter.{field}") for name in names), names


def test_household_mode_is_one_of_three(post_count):
    assert "household_mode" in _fields(post_count({"household_mode": "per_street"}))
