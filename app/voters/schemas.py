"""What the addresses API takes and gives."""

import marshmallow as ma

from app.core.geo import from_db
from app.core.schemas import StrictSchema


class PointSchema(ma.Schema):
    """A stored point as numbers for a client (SRID 4326): the one place it is converted."""

    lon = ma.fields.Float(attribute="x")
    lat = ma.fields.Float(attribute="y")

    @ma.pre_dump
    def _to_shape(self, point, **kwargs):
        return from_db(point)


class AddressSchema(ma.Schema):
    id = ma.fields.Integer()
    line = ma.fields.String()
    city = ma.fields.String()
    state = ma.fields.String()
    zip = ma.fields.String()
    point = ma.fields.Nested(PointSchema, allow_none=True)
    geocode_source = ma.fields.String(allow_none=True)
    geocode_quality = ma.fields.String(allow_none=True)


class GeocodeReportSchema(ma.Schema):
    addresses = ma.fields.Integer()
    placed = ma.fields.Integer()
    unplaced = ma.fields.Integer()
    placed_rate = ma.fields.Float()
    from_file = ma.fields.Integer()
    from_address_points = ma.fields.Integer()
    by_hand = ma.fields.Integer()


class PinSchema(StrictSchema):
    lon = ma.fields.Float(required=True, validate=ma.validate.Range(min=-180, max=180))
    lat = ma.fields.Float(required=True, validate=ma.validate.Range(min=-90, max=90))
