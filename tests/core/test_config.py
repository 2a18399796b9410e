"""Settings come from DOORSTEP_* variables and fail fast, naming the variable."""

from __future__ import annotations

import re
import secrets

import pytest

from app.config import (
    ConfigError,
    finish_config,
    load_config,
    normalise_database_url,
    production_problems,
    secret_key_weakness,
)


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
        ({"DOORSTEP_BACKUP_EVERY_HOURS": "daily"}, "DOORSTEP_BACKUP_EVERY_HOURS"),
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
        ({"DATABASE_URL": "postgresql://x/y", "DOORSTEP_BACKUP_KEEP": "0"}, "BACKUP_KEEP must"),
        ({"DATABASE_URL": "postgresql://x/y", "DOORSTEP_BACKUP_KEEP_DAYS": "-1"}, "0 or more"),
        ({"DATABASE_URL": "postgresql://x/y", "DOORSTEP_BACKUP_EVERY_HOURS": "-6"}, "EVERY_HOURS"),
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


#: What production needs, each set (a key from `secrets.token_urlsafe(48)`).
PRODUCTION = {
    "DATABASE_URL": "postgresql://x/y",
    "DOORSTEP_ENV": "production",
    "DOORSTEP_SECRET_KEY": "rS3Vq_9pZk2Lw7XnB0cJt4YhM8dFg6QaUe1Ii5Oo-yRzTsWvPxNl",
    "DOORSTEP_PUBLIC_URL": "https://doorstep.example.org",
    "DOORSTEP_SMTP_HOST": "smtp.example.org",
    "DOORSTEP_TRUSTED_PROXIES": "127.0.0.1",
}


def test_production_starts_with_what_it_needs():
    config = finish_config(load_config(PRODUCTION))
    assert config["SECRET_KEY"] == PRODUCTION["DOORSTEP_SECRET_KEY"]
    assert production_problems(load_config(PRODUCTION)) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DOORSTEP_SECRET_KEY": None}, "DOORSTEP_SECRET_KEY is not set"),
        ({"DOORSTEP_SECRET_KEY": "too-short-a-key"}, "is 15 characters; it must be at least 32"),
        ({"DOORSTEP_SECRET_KEY": "ab" * 20}, "repeats too few characters"),
        ({"DOORSTEP_SECRET_KEY": "please-changeme-before-we-go-live-2026"}, "a placeholder"),
        ({"DOORSTEP_PUBLIC_URL": None}, "DOORSTEP_PUBLIC_URL must be the campaign's https://"),
        ({"DOORSTEP_PUBLIC_URL": "http://doorstep.example.org"}, "DOORSTEP_PUBLIC_URL"),
        ({"DOORSTEP_PUBLIC_URL": "https://localhost:8000"}, "DOORSTEP_PUBLIC_URL"),
        ({"DOORSTEP_SMTP_HOST": None}, "DOORSTEP_SMTP_HOST is not set"),
        ({"DOORSTEP_TRUSTED_PROXIES": None}, "DOORSTEP_TRUSTED_PROXIES is not set"),
        ({"DOORSTEP_TRUSTED_PROXIES": ""}, "DOORSTEP_TRUSTED_PROXIES is not set"),
    ],
)
def test_production_refuses_to_start_without(change, message):
    environ = {k: v for k, v in {**PRODUCTION, **change}.items() if v is not None}
    with pytest.raises(ConfigError, match=re.escape(message)):
        finish_config(load_config(environ))


def test_development_starts_without_them():
    finish_config(load_config({"DATABASE_URL": "postgresql://x/y", "DOORSTEP_ENV": "development"}))


def test_production_names_everything_it_lacks_at_once():
    with pytest.raises(ConfigError) as refused:
        finish_config(load_config({"DATABASE_URL": "postgresql://x/y",
                                   "DOORSTEP_ENV": "production"}))  # fmt: skip
    for name in ("SECRET_KEY", "PUBLIC_URL", "SMTP_HOST", "TRUSTED_PROXIES"):
        assert f"DOORSTEP_{name}" in str(refused.value)


@pytest.mark.parametrize(
    "make", [lambda: secrets.token_urlsafe(48), lambda: secrets.token_hex(32)], ids=["url", "hex"]
)
def test_generated_keys_are_strong(make):
    # Made in the test, not at collection: xdist's workers must collect the same ids.
    assert secret_key_weakness(make()) is None
