"""What goes in and out of the paper keying API."""

from __future__ import annotations

import marshmallow as ma

from app.canvass.schemas import (
    ID,
    MAX_RECORDS,
    RecordOutcomeSchema,
    ResultCodeSchema,
    ScriptSchema,
)
from app.core.schemas import StrictSchema
from app.walklists.schemas import StopSchema, WalkListSchema


class SheetArgsSchema(StrictSchema):
    code = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=300),
        metadata={"description": "the list's code as printed, or the link its QR code holds"},
    )


class SheetCanvasserSchema(ma.Schema):
    user_id = ma.fields.Integer()
    name = ma.fields.String()
    holds = ma.fields.Boolean(metadata={"description": "holds the list now"})


class SheetResultCodeSchema(ma.Schema):
    box = ma.fields.String(
        allow_none=True, metadata={"description": "its box's heading on the sheet (NH)"}
    )
    code = ma.fields.Nested(ResultCodeSchema)


class SheetSchema(WalkListSchema):
    stops = ma.fields.List(ma.fields.Nested(StopSchema))
    result_codes = ma.fields.List(ma.fields.Nested(SheetResultCodeSchema))
    script = ma.fields.Nested(ScriptSchema, allow_none=True)
    canvassers = ma.fields.List(
        ma.fields.Nested(SheetCanvasserSchema),
        metadata={"description": "who held the list, in the order they took it"},
    )


class KeyedDoorsSchema(StrictSchema):
    """Doors keyed from one sheet: each record is the sync's knock record (KnockRecord)
    without ``walk_list_id``, ``client_at`` and ``gps``, which the sheet decides."""

    session = ma.fields.UUID(
        required=True,
        metadata={"description": "made by the screen once per sheet: its doors fill one batch"},
    )
    canvassed_at = ma.fields.AwareDateTime(
        required=True, metadata={"description": "when the sheet's doors were knocked"}
    )
    canvasser_user_id = ma.fields.Integer(
        validate=ID, metadata={"description": "the canvasser the sheet names, with an account"}
    )
    canvasser_name = ma.fields.String(
        validate=ma.validate.Length(min=1, max=120),
        metadata={"description": "... or their name as written, without one"},
    )
    records = ma.fields.List(
        ma.fields.Dict(), required=True, validate=ma.validate.Length(min=1, max=MAX_RECORDS)
    )

    @ma.validates_schema
    def _one_canvasser(self, data, **kwargs):
        has_user = data.get("canvasser_user_id") is not None
        has_name = bool((data.get("canvasser_name") or "").strip())
        if has_user == has_name:
            raise ma.ValidationError(
                "Name the sheet's canvasser: a user, or the name written on the sheet.",
                "canvasser_name",
            )


class KeyedResultSchema(ma.Schema):
    results = ma.fields.List(ma.fields.Nested(RecordOutcomeSchema))
    applied = ma.fields.Integer()
    duplicates = ma.fields.Integer()
    rejected = ma.fields.Integer()
