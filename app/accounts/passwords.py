"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from app.core.errors import ValidationError

MAX_PASSWORD_LENGTH = 256


def _hasher() -> PasswordHasher:
    hasher = current_app.extensions.get("doorstep_password_hasher")
    if hasher is None:
        hasher = PasswordHasher(
            time_cost=current_app.config["DOORSTEP_ARGON2_TIME_COST"],
            memory_cost=current_app.config["DOORSTEP_ARGON2_MEMORY_KIB"],
        )
        current_app.extensions["doorstep_password_hasher"] = hasher
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def burn_verification_time(password: str) -> None:
    """Spend what a real check costs, so unknown emails can't be told apart by timing."""
    verify_password(hash_password("doorstep-timing-equaliser"), password)


def check_password_policy(password: str, *, email: str | None = None) -> None:
    minimum = current_app.config["DOORSTEP_PASSWORD_MIN_LENGTH"]
    problems = []
    if len(password) < minimum:
        problems.append(f"Use at least {minimum} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    if email and password.strip().lower() == email.lower():
        problems.append("The password must not be your email address.")
    if problems:
        raise ValidationError("The password is not acceptable.", fields={"password": problems})
