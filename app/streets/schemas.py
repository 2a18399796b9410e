"""What the streets API takes and gives."""

import marshmallow as ma

from app.core.geo import BBox
from app.core.schemas import StrictSchema


class StreetsArgsSchema(StrictSchema):
    bbox = BBox(required=True)
    barriers_only = ma.fields.Boolean(load_default=False)


class StreetCollectionSchema(ma.Schema):
    type = ma.fields.String()
    truncated = ma.fields.Boolean()
    features = ma.fields.List(ma.fields.Dict())


class BarriersSchema(StrictSchema):
    street_ids = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1)),
        required=True,
        validate=ma.validate.Length(min=1, max=10_000),
    )
    is_barrier = ma.fields.Boolean(load_default=True)


class BarriersResultSchema(ma.Schema):
    changed = ma.fields.Integer()
