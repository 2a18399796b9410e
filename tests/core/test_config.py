"""Settings come from DOORSTEP_* variables and fail fast, naming the variable."""

from __future__ import annotations

import pytest

from app.config import ConfigError, finish_config, load_config, normalise_database_url


def test_defaults_and_environment():
    config = load_config(
        {"DATABASE_URL": "postgres://u@h/db", "DOORSTEP_ACCESS_TOKEN_MINUTES": "5"}
    )
    assert config["DOORSTEP_ACCESS_TOKEN_MINUTES"] == 5
    finished = finish_config(config)
    assert finished["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert finished["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds() == 300


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DOORSTEP_ACCESS_TOKEN_MINUTES": "soon"}, "DOORSTEP_ACCESS_TOKEN_MINUTES"),
        ({"DOORSTEP_SMTP_STARTTLS": "maybe"}, "DOORSTEP_SMTP_STARTTLS"),
    ],
)
def test_malformed_values_name_the_variable(environ, message):
    with pytest.raises(ConfigError, match=message):
        load_config(environ)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgresql://x/y", "DOORSTEP_ENV": "production"}, "SECRET_KEY"),
        ({"DATABASE_URL": "postgresql://x/y", "DOORSTEP_SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DATABASE_URL": "postgresql://x/y", "DOORSTEP_LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"DATABASE_URL": "postgresql://x/y", "DOORSTEP_PASSWORD_MIN_LENGTH": "4"}, "MIN_LENGTH"),
    ],
)
def test_bad_settings_fail_fast(environ, message):
    with pytest.raises(ConfigError, match=message):
        finish_config(load_config(environ))


def test_doorstep_database_url_wins():
    config = load_config(
        {"DATABASE_URL": "postgresql://a/a", "DOORSTEP_DATABASE_URL": "postgresql://b/b"}
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql://b/b"


@pytest.mark.parametrize(
    "url", ["postgres://u@h/d", "postgresql://u@h/d", "postgresql+psycopg2://u@h/d"]
)
def test_every_spelling_uses_psycopg_3(url):
    assert normalise_database_url(url) == "postgresql+psycopg://u@h/d"
