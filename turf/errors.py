"""The one error type of the library: bad input, said precisely."""

from __future__ import annotations

__all__ = ["TurfInputError"]


class TurfInputError(ValueError):
    """Input the library cannot work with ("expected a Polygon, got a LineString").

    ``field`` names the argument at fault, so callers can turn it into an API error that
    names the field.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
