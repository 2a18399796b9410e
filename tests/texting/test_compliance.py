"""When a number may be texted (8am-9pm in its own time zone, from its area code) and who may
be texted at all (consent, opt-outs, landlines, the people the campaign may contact)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.core.quiet_hours import quiet_until_everywhere
from app.extensions import db
from app.people.models import PersonPhone
from app.texting.compliance import refusal, send_after, zones_of
from tests.texting.conftest import NEW_YORK

CHICAGO = ZoneInfo("America/Chicago")
DENVER = ZoneInfo("America/Denver")
FALLBACK = ZoneInfo("Europe/Lisbon")


@pytest.mark.parametrize(("number", "zones"), [
    ("+12155550101", [NEW_YORK]),  # Philadelphia
    ("+13125550103", [CHICAGO]),
    ("+18005550123", [FALLBACK]),  # toll-free: placed everywhere, so nowhere
    ("not a number", [FALLBACK]),
])  # fmt: skip
def test_the_zone_comes_from_the_area_code(number, zones):
    assert zones_of(number, FALLBACK) == zones


def test_two_zones_wait_for_daytime_in_both(app):
    at = datetime(2027, 3, 2, 9, 30, tzinfo=NEW_YORK)  # 07:30 in Denver
    with app.app_context():
        assert quiet_until_everywhere(at, [NEW_YORK]) is None
        assert quiet_until_everywhere(at, [NEW_YORK, DENVER]) == datetime(
            2027, 3, 2, 8, 0, tzinfo=DENVER
        )
        late = datetime(2027, 3, 2, 22, 30, tzinfo=DENVER)  # 00:30 in New York
        assert quiet_until_everywhere(late, [NEW_YORK, DENVER]) == datetime(
            2027, 3, 3, 8, 0, tzinfo=DENVER
        )


@pytest.mark.parametrize(("local", "after"), [
    ((7, 59), (8, 0)),
    ((8, 0), None),
    ((20, 59), None),
    ((21, 0), (8, 0)),  # the next morning
])  # fmt: skip
def test_send_after_quiet_hours(db_session, world, local, after):
    at = datetime(2027, 3, 2, *local, tzinfo=CHICAGO)
    expected = None
    if after:
        day = 3 if local[0] >= 21 else 2
        expected = datetime(2027, 3, day, *after, tzinfo=CHICAGO)
    assert send_after("+13125550103", world.organization_id, at) == expected


@pytest.mark.parametrize(("name", "consent_required", "reason"), [
    ("rosa", True, None),
    ("sam", False, None),  # peer to peer: no recorded consent needed
    ("sam", True, "no_consent"),  # a broadcast or a rule: it is
    ("kim", False, "landline"),
    ("max", False, "opted_out"),
    ("ada", False, "not_contactable"),  # deceased
    ("joy", False, "not_contactable"),  # confidential
])  # fmt: skip
def test_who_may_be_texted(db_session, world, name, consent_required, reason):
    person_id = world.person_ids[name]
    number = db.session.scalar(select(PersonPhone.number).filter_by(person_id=person_id).limit(1))
    assert refusal(person_id, number, consent_required=consent_required) == reason


def test_a_landline_beside_a_mobile_is_refused_on_its_own(db_session, world):
    eve = world.person_ids["eve"]
    assert refusal(eve, "+12155550109", consent_required=False) == "landline"
    assert refusal(eve, "+12155550110", consent_required=True) is None
    assert refusal(eve, "+12155550199", consent_required=False) == "no_phone"
