"""Normalising contact details at the edge: emails lower-cased, phones to E.164."""

from __future__ import annotations

import phonenumbers

from app.core.errors import ValidationError

DEFAULT_REGION = "US"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def normalise_phone(raw: str, *, field: str = "phone", region: str = DEFAULT_REGION) -> str:
    """Return ``raw`` as E.164 (+12155550123) or raise a ValidationError naming ``field``."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "The phone number is not valid.",
            fields={field: [f"Not a valid phone number: {raw!r}."]},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
