"""The one street normaliser (SQL) that voter files, address points and the API share."""

from __future__ import annotations

import pytest
from sqlalchemy import text


def normalise(db_session, street: str) -> str:
    return db_session.scalar(text("SELECT doorstep_normalize_street(:s)"), {"s": street})


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("South 59th Street", "S 59TH ST"),
        ("Warrington  Avenue", "WARRINGTON AVE"),
        ("n. 40th st.", "N 40TH ST"),
        ("CHESTER AVE", "CHESTER AVE"),
        ("", ""),
    ],
)
def test_suffixes_and_directions_are_abbreviated(db_session, raw, normalised):
    assert normalise(db_session, raw) == normalised


# Only the last word is a street type and only a leading word a direction: the names stay
# (the first normaliser abbreviated every word it knew: "SPG GDN ST", "S ST").
@pytest.mark.parametrize(
    "street",
    ["PINE ST", "SPRING GARDEN ST", "GRAYS FERRY AVE", "GREEN ST", "N UNION ST", "SOUTH ST"],
)
def test_the_name_of_a_street_is_kept(db_session, street):
    assert normalise(db_session, street) == street
