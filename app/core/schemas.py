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
    NUL characters, which PostgreSQL cannot store in text. In a JSON body a boolean is JSON's
    ``true`` or ``false`` only (marshmallow alone also takes 0, 1, "yes", "on"...); a query
    string or form, where every value is text, still says ``true``/``false``.

    Every input schema derives from this one; an empty PATCH body is refused where bodies are
    parsed (app.core.jsonbody.DoorstepParser)."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _refuse_non_json_booleans(self, data, **kwargs):
        # A JSON body arrives as a dict; query strings and forms as webargs' MultiDictProxy.
        if type(data) is not dict:
            return data
        bad = {}
        for name, field in self.load_fields.items():
            key = field.data_key or name
            value = data.get(key)
            if isinstance(field, ma.fields.Boolean) and not isinstance(value, bool | None):
                bad[key] = ["Must be true or false."]
        if bad:
            raise ma.ValidationError(bad)
        return data

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
