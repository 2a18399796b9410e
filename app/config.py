"""Settings: defaults, then the environment (``DOORSTEP_*``), validated once at start-up."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from datetime import time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.core.proxies import parse_networks
from app.core.vapid import vapid_public_key

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The hosts of Chrome's, Firefox's, Safari's and Edge's push services.
PUSH_SERVICE_HOSTS = [
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.push.apple.com",
    "*.notify.windows.com",
]

#: Hosts a production DOORSTEP_PUBLIC_URL cannot name: phones and mail readers are elsewhere.
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 - a name, not a bind

#: Words of a secret key someone copied from an example instead of generating one.
_PLACEHOLDER_WORDS = ("changeme", "change-me", "replace", "example", "secret")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names the variable."""


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _decimal(name: str, raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if not value.is_finite() or value < 0:
        raise ConfigError(f"{name} must be a number of at least 0, got {raw!r}")
    return value


def _list(_name: str, raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def _str(_name: str, raw: str) -> str:
    return raw


# (environment variable, config key, parser, default)
_SETTINGS: list[tuple[str, str, Callable[[str, str], Any], Any]] = [
    ("DOORSTEP_ENV", "DOORSTEP_ENV", _str, "development"),
    ("DOORSTEP_SECRET_KEY", "SECRET_KEY", _str, None),
    ("DOORSTEP_PUBLIC_URL", "DOORSTEP_PUBLIC_URL", _str, "http://127.0.0.1:8000"),
    ("DOORSTEP_ACCESS_TOKEN_MINUTES", "DOORSTEP_ACCESS_TOKEN_MINUTES", _int, 15),
    ("DOORSTEP_REFRESH_TOKEN_DAYS", "DOORSTEP_REFRESH_TOKEN_DAYS", _int, 45),
    # A phone that lost the response to a refresh may retry with the old token for this long.
    ("DOORSTEP_REFRESH_REUSE_SECONDS", "DOORSTEP_REFRESH_REUSE_SECONDS", _int, 300),
    ("DOORSTEP_PASSWORD_MIN_LENGTH", "DOORSTEP_PASSWORD_MIN_LENGTH", _int, 10),
    ("DOORSTEP_LOGIN_WINDOW_MINUTES", "DOORSTEP_LOGIN_WINDOW_MINUTES", _int, 15),
    ("DOORSTEP_LOGIN_MAX_FAILURES_ACCOUNT", "DOORSTEP_LOGIN_MAX_FAILURES_ACCOUNT", _int, 5),
    ("DOORSTEP_LOGIN_MAX_FAILURES_IP", "DOORSTEP_LOGIN_MAX_FAILURES_IP", _int, 30),
    # One account from every address together: guessing spread over many addresses. Above the
    # per-address limit, so one address alone can never lock the account for its owner.
    ("DOORSTEP_LOGIN_MAX_FAILURES_SPREAD", "DOORSTEP_LOGIN_MAX_FAILURES_SPREAD", _int, 100),
    ("DOORSTEP_INVITE_DAYS", "DOORSTEP_INVITE_DAYS", _int, 7),
    # Public forms (RSVP, volunteer sign-up): accepted submissions per address per window. A
    # kiosk at a rally shares one address: the limit is for loops, not for a busy table.
    ("DOORSTEP_FORM_MAX_PER_IP", "DOORSTEP_FORM_MAX_PER_IP", _int, 30),
    ("DOORSTEP_FORM_WINDOW_MINUTES", "DOORSTEP_FORM_WINDOW_MINUTES", _int, 15),
    ("DOORSTEP_ARGON2_TIME_COST", "DOORSTEP_ARGON2_TIME_COST", _int, 3),
    ("DOORSTEP_ARGON2_MEMORY_KIB", "DOORSTEP_ARGON2_MEMORY_KIB", _int, 65536),
    ("DOORSTEP_MAX_REQUEST_MB", "DOORSTEP_MAX_REQUEST_MB", _int, 10),
    # Voter-file uploads (POST /api/v1/imports) only; a state file gzips to well under this.
    ("DOORSTEP_MAX_UPLOAD_MB", "DOORSTEP_MAX_UPLOAD_MB", _int, 1024),
    ("DOORSTEP_UPLOAD_DIR", "DOORSTEP_UPLOAD_DIR", _str, ""),
    # Compressed uploads (gzip, zip, KMZ) are refused while unpacking past either cap.
    ("DOORSTEP_MAX_UNPACKED_MB", "DOORSTEP_MAX_UNPACKED_MB", _int, 16384),
    ("DOORSTEP_MAX_UNPACK_RATIO", "DOORSTEP_MAX_UNPACK_RATIO", _int, 100),
    ("DOORSTEP_UPLOAD_RETENTION_DAYS", "DOORSTEP_UPLOAD_RETENTION_DAYS", _int, 7),
    # Backups (`doorstep backup`, and the worker every N hours when N > 0): where they go, and
    # how many stay (an archive goes once it is past the N newest and older than the days).
    ("DOORSTEP_BACKUP_DIR", "DOORSTEP_BACKUP_DIR", _str, ""),
    ("DOORSTEP_BACKUP_EVERY_HOURS", "DOORSTEP_BACKUP_EVERY_HOURS", _int, 0),
    ("DOORSTEP_BACKUP_KEEP", "DOORSTEP_BACKUP_KEEP", _int, 14),
    ("DOORSTEP_BACKUP_KEEP_DAYS", "DOORSTEP_BACKUP_KEEP_DAYS", _int, 0),
    ("DOORSTEP_CORS_ORIGINS", "DOORSTEP_CORS_ORIGINS", _list, []),
    # Reverse proxies whose X-Forwarded-For / -Proto are believed (IPs or CIDR ranges).
    ("DOORSTEP_TRUSTED_PROXIES", "DOORSTEP_TRUSTED_PROXIES", _list, []),
    # Replaced by DOORSTEP_TRUSTED_PROXIES; still read so that a setting left behind is refused.
    ("DOORSTEP_PROXY_HOPS", "DOORSTEP_PROXY_HOPS", _int, 0),
    ("DOORSTEP_LOG_FORMAT", "DOORSTEP_LOG_FORMAT", _str, "json"),
    ("DOORSTEP_LOG_LEVEL", "DOORSTEP_LOG_LEVEL", _str, "INFO"),
    ("DOORSTEP_SMTP_HOST", "DOORSTEP_SMTP_HOST", _str, ""),
    ("DOORSTEP_SMTP_PORT", "DOORSTEP_SMTP_PORT", _int, 587),
    ("DOORSTEP_SMTP_USER", "DOORSTEP_SMTP_USER", _str, ""),
    ("DOORSTEP_SMTP_PASSWORD", "DOORSTEP_SMTP_PASSWORD", _str, ""),
    ("DOORSTEP_SMTP_STARTTLS", "DOORSTEP_SMTP_STARTTLS", _bool, True),
    ("DOORSTEP_MAIL_FROM", "DOORSTEP_MAIL_FROM", _str, "Doorstep <no-reply@localhost>"),
    # Email campaigns (docs/outreach.md): the sliding windows (0 = no limit), soft bounces
    # before an address is suppressed, the postal address every campaign carries, and the
    # secret the bounce webhooks' URLs carry.
    ("DOORSTEP_MAIL_PER_MINUTE", "DOORSTEP_MAIL_PER_MINUTE", _int, 600),
    ("DOORSTEP_MAIL_PER_HOUR", "DOORSTEP_MAIL_PER_HOUR", _int, 20000),
    ("DOORSTEP_MAIL_SOFT_BOUNCES", "DOORSTEP_MAIL_SOFT_BOUNCES", _int, 3),
    ("DOORSTEP_MAIL_CONCURRENCY", "DOORSTEP_MAIL_CONCURRENCY", _int, 4),
    ("DOORSTEP_EMAIL_DOUBLE_OPT_IN", "DOORSTEP_EMAIL_DOUBLE_OPT_IN", _bool, False),
    ("DOORSTEP_MAIL_POSTAL_ADDRESS", "DOORSTEP_MAIL_POSTAL_ADDRESS", _str, ""),
    ("DOORSTEP_MAIL_WEBHOOK_SECRET", "DOORSTEP_MAIL_WEBHOOK_SECRET", _str, ""),
    # Base map of the director console: a {z}/{x}/{y} tile URL; unset, the map has no tiles
    # (precincts, streets and doors are drawn from the campaign's own data).
    ("DOORSTEP_TILE_URL", "DOORSTEP_TILE_URL", _str, ""),
    ("DOORSTEP_TILE_ATTRIBUTION", "DOORSTEP_TILE_ATTRIBUTION", _str, ""),
    # Web Push to the canvassing app: the VAPID private key (`doorstep push keys` makes one)
    # and the contact the push services see (mailto: or https:; default: DOORSTEP_MAIL_FROM).
    ("DOORSTEP_VAPID_PRIVATE_KEY", "DOORSTEP_VAPID_PRIVATE_KEY", _str, ""),
    ("DOORSTEP_VAPID_SUBJECT", "DOORSTEP_VAPID_SUBJECT", _str, ""),
    # The push services a browser's subscription may point at (the server posts there).
    ("DOORSTEP_PUSH_HOSTS", "DOORSTEP_PUSH_HOSTS", _list, PUSH_SERVICE_HOSTS),
    # Reminders wait out these hours (HH:MM-HH:MM in the event's time zone).
    ("DOORSTEP_QUIET_HOURS", "DOORSTEP_QUIET_HOURS", _str, "21:00-08:00"),
    # Call lists hand out a person only within these hours of their own time zone(s).
    ("DOORSTEP_CALLING_HOURS", "DOORSTEP_CALLING_HOURS", _str, "08:00-21:00"),
    # Texts: "log" records them without sending; "twilio" posts to a Twilio-compatible API.
    ("DOORSTEP_SMS_PROVIDER", "DOORSTEP_SMS_PROVIDER", _str, "log"),
    ("DOORSTEP_TWILIO_ACCOUNT_SID", "DOORSTEP_TWILIO_ACCOUNT_SID", _str, ""),
    ("DOORSTEP_TWILIO_AUTH_TOKEN", "DOORSTEP_TWILIO_AUTH_TOKEN", _str, ""),
    ("DOORSTEP_TWILIO_FROM", "DOORSTEP_TWILIO_FROM", _str, ""),
    ("DOORSTEP_TWILIO_BASE_URL", "DOORSTEP_TWILIO_BASE_URL", _str, "https://api.twilio.com"),
    # What one text segment costs (in the account's currency): texting shows each message's
    # and each campaign's cost before it is sent.
    ("DOORSTEP_SMS_SEGMENT_COST", "DOORSTEP_SMS_SEGMENT_COST", _decimal, Decimal("0.0083")),
    # Self check-in at an event ("I'm here" on the volunteer's phone): this close, in metres.
    ("DOORSTEP_SELF_CHECK_IN_METERS", "DOORSTEP_SELF_CHECK_IN_METERS", _int, 250),
    # People a canvasser may add at the doors: per sync request, and per hour.
    ("DOORSTEP_SYNC_MAX_NEW_PEOPLE", "DOORSTEP_SYNC_MAX_NEW_PEOPLE", _int, 40),
    ("DOORSTEP_SYNC_NEW_PEOPLE_PER_HOUR", "DOORSTEP_SYNC_NEW_PEOPLE_PER_HOUR", _int, 120),
    # Webhooks out (docs/webhooks.md): seconds a receiver has to answer, posts at once, and
    # whether a subscription may name http:// on this machine or a private address (unset:
    # allowed except in production, where it would let an admin reach the server's network).
    ("DOORSTEP_WEBHOOK_TIMEOUT_SECONDS", "DOORSTEP_WEBHOOK_TIMEOUT_SECONDS", _int, 10),
    ("DOORSTEP_WEBHOOK_CONCURRENCY", "DOORSTEP_WEBHOOK_CONCURRENCY", _int, 4),
    ("DOORSTEP_WEBHOOK_ALLOW_PRIVATE", "DOORSTEP_WEBHOOK_ALLOW_PRIVATE", _bool, None),
]


def load_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config from defaults and the environment; raise ConfigError when bad."""
    env = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    for var, key, parse, default in _SETTINGS:
        config[key] = parse(var, env[var]) if var in env else default
    # DATABASE_URL is the name every host uses; DOORSTEP_DATABASE_URL wins when both are set.
    config["SQLALCHEMY_DATABASE_URI"] = env.get("DOORSTEP_DATABASE_URL") or env.get("DATABASE_URL")
    return config


def finish_config(config: dict[str, Any]) -> dict[str, Any]:
    """Validate the merged config and derive the settings the extensions read."""
    url = config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        raise ConfigError("DATABASE_URL is not set (bin/start sets it for the local cluster)")
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if config["DOORSTEP_ENV"] not in {"development", "production", "test"}:
        raise ConfigError("DOORSTEP_ENV must be development, production or test")
    if config["DOORSTEP_ENV"] == "production" and (problems := production_problems(config)):
        raise ConfigError("DOORSTEP_ENV is production, but " + "; ".join(problems))
    if config.get("DOORSTEP_WEBHOOK_ALLOW_PRIVATE") is None:
        config["DOORSTEP_WEBHOOK_ALLOW_PRIVATE"] = config["DOORSTEP_ENV"] != "production"
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = secrets.token_urlsafe(48)
    if len(config["SECRET_KEY"]) < 32:
        raise ConfigError("DOORSTEP_SECRET_KEY must be at least 32 characters")
    if config["DOORSTEP_LOG_FORMAT"] not in {"json", "text"}:
        raise ConfigError("DOORSTEP_LOG_FORMAT must be json or text")
    for key in ("DOORSTEP_ACCESS_TOKEN_MINUTES", "DOORSTEP_REFRESH_TOKEN_DAYS",
                "DOORSTEP_FORM_MAX_PER_IP", "DOORSTEP_FORM_WINDOW_MINUTES",
                "DOORSTEP_SELF_CHECK_IN_METERS", "DOORSTEP_MAX_UNPACKED_MB",
                "DOORSTEP_MAX_UNPACK_RATIO", "DOORSTEP_SYNC_MAX_NEW_PEOPLE",
                "DOORSTEP_SYNC_NEW_PEOPLE_PER_HOUR", "DOORSTEP_UPLOAD_RETENTION_DAYS",
                "DOORSTEP_LOGIN_MAX_FAILURES_ACCOUNT", "DOORSTEP_BACKUP_KEEP",
                "DOORSTEP_LOGIN_MAX_FAILURES_IP", "DOORSTEP_MAIL_SOFT_BOUNCES",
                "DOORSTEP_MAIL_CONCURRENCY", "DOORSTEP_WEBHOOK_TIMEOUT_SECONDS",
                "DOORSTEP_WEBHOOK_CONCURRENCY"):  # fmt: skip
        if config[key] <= 0:
            raise ConfigError(f"{key} must be positive")
    for key in ("DOORSTEP_BACKUP_EVERY_HOURS", "DOORSTEP_BACKUP_KEEP_DAYS"):
        if config[key] < 0:
            raise ConfigError(f"{key} must be 0 or more")
    if config["DOORSTEP_MAIL_CONCURRENCY"] > 8:
        # Each sending thread holds a database connection (and briefly a second one): more
        # would wait on the pool (15) that the web workers and the worker's other tasks share.
        raise ConfigError("DOORSTEP_MAIL_CONCURRENCY must be at most 8")
    for key in ("DOORSTEP_MAIL_PER_MINUTE", "DOORSTEP_MAIL_PER_HOUR"):
        if config[key] < 0:
            raise ConfigError(f"{key} must be 0 (no limit) or positive")
    if config["DOORSTEP_LOGIN_MAX_FAILURES_SPREAD"] <= config["DOORSTEP_LOGIN_MAX_FAILURES_IP"]:
        raise ConfigError(
            "DOORSTEP_LOGIN_MAX_FAILURES_SPREAD must be above DOORSTEP_LOGIN_MAX_FAILURES_IP, "
            "so that one address alone never locks an account for its owner"
        )
    if config["DOORSTEP_PROXY_HOPS"]:
        raise ConfigError(
            "DOORSTEP_PROXY_HOPS is replaced by DOORSTEP_TRUSTED_PROXIES: list your proxies' "
            "addresses (IPs or CIDR ranges, comma-separated) instead of a count"
        )
    try:
        config["DOORSTEP_TRUSTED_PROXY_NETWORKS"] = parse_networks(
            config["DOORSTEP_TRUSTED_PROXIES"]
        )
    except ValueError as exc:
        raise ConfigError(f"DOORSTEP_TRUSTED_PROXIES: {exc}") from None
    if config["DOORSTEP_PASSWORD_MIN_LENGTH"] < 8:
        raise ConfigError("DOORSTEP_PASSWORD_MIN_LENGTH must be at least 8")

    if config["DOORSTEP_VAPID_PRIVATE_KEY"]:
        try:
            config["DOORSTEP_VAPID_PUBLIC_KEY"] = vapid_public_key(
                config["DOORSTEP_VAPID_PRIVATE_KEY"]
            )
        except ValueError as exc:
            raise ConfigError(f"DOORSTEP_VAPID_PRIVATE_KEY is not a VAPID key: {exc}") from exc
    else:
        config["DOORSTEP_VAPID_PUBLIC_KEY"] = ""
    if not config["DOORSTEP_VAPID_SUBJECT"]:
        address = config["DOORSTEP_MAIL_FROM"].rsplit("<", 1)[-1].rstrip(">").strip()
        config["DOORSTEP_VAPID_SUBJECT"] = f"mailto:{address}"
    if not config["DOORSTEP_VAPID_SUBJECT"].startswith(("mailto:", "https:")):
        raise ConfigError("DOORSTEP_VAPID_SUBJECT must start with mailto: or https:")

    parse_quiet_hours(config["DOORSTEP_QUIET_HOURS"])  # read again where used: tests change it
    parse_calling_hours(config["DOORSTEP_CALLING_HOURS"])
    _check_sms(config)

    config["MAX_CONTENT_LENGTH"] = config["DOORSTEP_MAX_REQUEST_MB"] * 1024 * 1024
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "pool_pre_ping": True,
        # JIT compiling a million-row search costs more (50-80 ms) than running it. A statement
        # run often is prepared (psycopg), and PostgreSQL then may plan it once for any
        # parameters: a dashboard's month and its two years got one plan (3x slower); each
        # execution is planned for its own values instead (a millisecond of planning).
        "connect_args": {"options": "-c jit=off -c plan_cache_mode=force_custom_plan"},
    }
    config["JWT_SECRET_KEY"] = config["SECRET_KEY"]
    config["JWT_ACCESS_TOKEN_EXPIRES"] = timedelta(minutes=config["DOORSTEP_ACCESS_TOKEN_MINUTES"])
    config["JWT_REFRESH_TOKEN_EXPIRES"] = timedelta(days=config["DOORSTEP_REFRESH_TOKEN_DAYS"])
    config["JWT_TOKEN_LOCATION"] = ["headers"]
    config["JWT_ERROR_MESSAGE_KEY"] = "message"
    config["API_TITLE"] = "Doorstep API"
    config["API_VERSION"] = "v1"
    config["OPENAPI_VERSION"] = "3.0.3"
    config["OPENAPI_URL_PREFIX"] = "/api"
    config["OPENAPI_JSON_PATH"] = "openapi.json"
    return config


def production_problems(config: Mapping[str, Any]) -> list[str]:
    """What a production instance lacks among its settings (``DOORSTEP_ENV=production`` refuses
    to start with any; ``doorstep check`` lists them): each names its variable."""
    problems = []
    key = config.get("SECRET_KEY")
    if not key:
        problems.append("DOORSTEP_SECRET_KEY is not set")
    elif weakness := secret_key_weakness(key):
        problems.append(f"DOORSTEP_SECRET_KEY {weakness}")
    url = urlsplit(config.get("DOORSTEP_PUBLIC_URL") or "")
    if url.scheme != "https" or not url.hostname or url.hostname in _LOCAL_HOSTS:
        problems.append(
            "DOORSTEP_PUBLIC_URL must be the campaign's https:// address (links in emails, "
            f"texts and QR codes point there), not {config.get('DOORSTEP_PUBLIC_URL')!r}"
        )
    if not config.get("DOORSTEP_SMTP_HOST"):
        problems.append(
            "DOORSTEP_SMTP_HOST is not set (invitations, password resets and reminders go by "
            "email; unset, they are only logged)"
        )
    if not config.get("DOORSTEP_TRUSTED_PROXIES"):
        problems.append(
            "DOORSTEP_TRUSTED_PROXIES is not set (the TLS proxy's address, e.g. 127.0.0.1: "
            "without it every client looks like the proxy to sign-in throttling and the audit)"
        )
    return problems


def secret_key_weakness(key: str) -> str | None:
    """Why ``key`` is too weak to sign tokens, or None: `secrets.token_urlsafe(48)` (what
    bin/start makes) and `openssl rand -hex 32` pass; a short or repetitive phrase does not."""
    if len(key) < 32:
        return f"is {len(key)} characters; it must be at least 32"
    if len(set(key)) < 12:
        return "repeats too few characters (make one: openssl rand -hex 32)"
    if any(word in key.lower() for word in _PLACEHOLDER_WORDS):
        return "looks like a placeholder (make one: openssl rand -hex 32)"
    return None


def parse_quiet_hours(raw: str) -> tuple[time, time] | None:
    """Quiet hours "21:00-08:00" -> (21:00, 08:00), may wrap past midnight; "" -> None."""
    if not raw.strip():
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in raw.split("-"))
    except ValueError:
        raise ConfigError(f"DOORSTEP_QUIET_HOURS must be HH:MM-HH:MM, got {raw!r}") from None
    if start == end:
        raise ConfigError("DOORSTEP_QUIET_HOURS must not start and end at the same time")
    return start, end


def parse_calling_hours(raw: str) -> tuple[time, time]:
    """Calling hours "08:00-21:00" -> (08:00, 21:00): within one day, the end not included
    ("24:00" is the day's end)."""
    try:
        start, end = (
            time.max if part.strip() == "24:00" else time.fromisoformat(part.strip())
            for part in raw.split("-")
        )
    except ValueError:
        raise ConfigError(f"DOORSTEP_CALLING_HOURS must be HH:MM-HH:MM, got {raw!r}") from None
    if start >= end:
        raise ConfigError("DOORSTEP_CALLING_HOURS must start before it ends (within one day)")
    return start, end


def _check_sms(config: dict[str, Any]) -> None:
    provider = config["DOORSTEP_SMS_PROVIDER"]
    if provider not in {"log", "twilio"}:
        raise ConfigError("DOORSTEP_SMS_PROVIDER must be log or twilio")
    if provider == "twilio":
        for key in ("DOORSTEP_TWILIO_ACCOUNT_SID", "DOORSTEP_TWILIO_AUTH_TOKEN",
                    "DOORSTEP_TWILIO_FROM"):  # fmt: skip
            if not config[key]:
                raise ConfigError(f"{key} must be set when DOORSTEP_SMS_PROVIDER is twilio")
    if not config["DOORSTEP_TWILIO_BASE_URL"].startswith(("https://", "http://")):
        raise ConfigError("DOORSTEP_TWILIO_BASE_URL must be an http(s) URL")


def normalise_database_url(url: str) -> str:
    """Point SQLAlchemy at psycopg 3 whatever spelling of the URL the host gave us."""
    for prefix in ("postgresql+psycopg2://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
