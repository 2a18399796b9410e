"""Normalising contact details at the edge: emails lower-cased, phones to E.164."""

from __future__ import annotations

import phonenumbers
from phonenumbers import timezone

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


#: A number whose prefix spans more zones than this says nothing useful about where its
#: owner is (toll-free and other non-geographic numbers span the whole NANP).
MAX_NUMBER_ZONES = 3


def number_time_zones(e164: str) -> tuple[str, ...]:
    """The time zones a number's prefix places it in (phonenumbers' area-code data), or ()
    when it says nothing useful: unknown, non-geographic, or spanning many zones."""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return ()
    zones = timezone.time_zones_for_number(number)
    if not zones or timezone.UNKNOWN_TIMEZONE in zones or len(zones) > MAX_NUMBER_ZONES:
        return ()
    return tuple(zones)
