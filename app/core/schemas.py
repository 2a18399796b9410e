"""Schema conventions shared by every domain."""

import marshmallow as ma


class StrictSchema(ma.Schema):
    """Input schema that refuses unknown fields, so a typo is an error and not a no-op."""

    class Meta:
        unknown = ma.RAISE
