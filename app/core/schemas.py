"""Schema conventions shared by every domain."""

from typing import Any

import marshmallow as ma


def _fields_with_nul(data: Any, path: str = "") -> list[str]:
    if isinstance(data, str):
        return [path] if "\x00" in data else []
    if isinstance(data, dict):
        return [f for key, value in data.items() for f in _fields_with_nul(value, str(key))]
    if isinstance(data, list | tuple):
        return [f for value in data for f in _fields_with_nul(value, path)]
    return []


class StrictSchema(ma.Schema):
    """Input schema: unknown fields are refused (a typo is an error, not a no-op), and so are
    NUL characters, which PostgreSQL cannot store in text."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _refuse_nul_characters(self, data, **kwargs):
        if hasattr(data, "items"):
            bad = _fields_with_nul(dict(data.items()))
            if bad:
                raise ma.ValidationError({name: ["Contains a NUL character."] for name in bad})
        return data


BINARY = {"type": "string", "format": "binary"}


def file_responses(description: str, content: dict[str, dict]) -> dict:
    """``blp.doc`` keywords of an endpoint that answers 200 with one of several file types:
    ``content`` maps each media type to its schema (``BINARY``, or a JSON schema)."""
    return {
        "responses": {
            "200": {
                "description": description,
                "content": {kind: {"schema": schema} for kind, schema in content.items()},
            }
        }
    }
