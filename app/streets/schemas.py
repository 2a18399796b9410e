"""What the streets API takes and gives."""

import marshmallow as ma

from app.core.geo import BBox
from app.core.schemas import StrictSchema
from app.streets.basemap import MAX_ZOOM, MIN_ZOOM


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


class BaseMapArgsSchema(StrictSchema):
    bbox = BBox(required=True)
    zoom = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=MIN_ZOOM, max=MAX_ZOOM),
        metadata={
            "description": f"the map's zoom ({MIN_ZOOM}-{MAX_ZOOM}): lines simplified for it"
        },
    )


class BaseMapSchema(ma.Schema):
    type = ma.fields.String()
    zoom = ma.fields.Integer()
    count = ma.fields.Integer()
    features = ma.fields.List(ma.fields.Dict())
