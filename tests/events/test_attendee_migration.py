"""Revision 0019 makes those who attended a shift before it volunteers (their hours show)."""

from __future__ import annotations

import flask_migrate
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from tests.conftest import TEST_CONFIG

SEED = """
INSERT INTO organizations (id, name, slug) VALUES (1, 'Old campaign', 'old');
INSERT INTO people (id, organization_id, first_name) VALUES (1, 1, 'Came'), (2, 1, 'Stayed home');
INSERT INTO events (id, organization_id, code, name, kind, time_zone)
    VALUES (1, 1, 'OLDLAUNCH', 'Launch', 'rally', 'America/New_York');
INSERT INTO shifts (id, organization_id, event_id, starts_at, ends_at)
    VALUES (1, 1, 1, now() - interval '3 hours', now() - interval '1 hour');
INSERT INTO signups (id, organization_id, shift_id, person_id, status, token, checkin_code)
    VALUES (1, 1, 1, 1, 'completed', 'token-1', 'CODE1'),
           (2, 1, 1, 2, 'no_show', 'token-2', 'CODE2');
INSERT INTO check_ins (organization_id, signup_id, shift_id, person_id, method, client_uuid,
                       checked_in_at)
    VALUES (1, 1, 1, 1, 'search', gen_random_uuid(), now() - interval '3 hours');
"""


def test_those_who_attended_before_become_volunteers(make_empty_database):
    url = make_empty_database("doorstep_attendees")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision="0014_people_cells")
        with db.engine.begin() as connection:
            connection.execute(sa.text(SEED))
        flask_migrate.upgrade(revision="0019_contact_confirmations")
        with db.engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT person_id, source, length(feed_token) FROM volunteer_profiles")
            ).all()
        assert rows == [(1, "attended", 43)]
        db.engine.dispose()
