"""What the areas API takes and gives."""

import marshmallow as ma

from app.areas.polling import MAX_PLACES
from app.areas.queries import AREA_SORTS
from app.core.geo import BBox
from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema


class AreaSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    code = ma.fields.String()
    name = ma.fields.String()


class AreaListArgsSchema(PageArgsSchema):
    kind = ma.fields.String(validate=ma.validate.Length(max=30))
    code = ma.fields.String(validate=ma.validate.Length(max=40))
    sort = sort_field(AREA_SORTS)


class AreaFeatureSchema(ma.Schema):
    type = ma.fields.String()
    id = ma.fields.Integer()
    geometry = ma.fields.Dict()
    properties = ma.fields.Dict()


class AreaMapArgsSchema(StrictSchema):
    kind = ma.fields.String(load_default="precinct", validate=ma.validate.Length(min=1, max=30))
    bbox = BBox()


class AreaCollectionSchema(ma.Schema):
    type = ma.fields.String()
    truncated = ma.fields.Boolean()
    features = ma.fields.List(ma.fields.Nested(AreaFeatureSchema))


class PrecinctCheckArgsSchema(StrictSchema):
    kind = ma.fields.String(load_default="precinct", validate=ma.validate.Length(max=30))
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=1000))


class PrecinctPairSchema(ma.Schema):
    file_code = ma.fields.String()
    map_code = ma.fields.String()
    voters = ma.fields.Integer()


class PrecinctCheckSchema(ma.Schema):
    kind = ma.fields.String()
    voters_placed = ma.fields.Integer()
    voters_disagreeing = ma.fields.Integer()
    share_disagreeing = ma.fields.Float()
    pairs = ma.fields.List(ma.fields.Nested(PrecinctPairSchema))


class PollingPlaceSchema(StrictSchema):
    precinct_code = ma.fields.String(
        required=True, validate=ma.validate.Length(min=1, max=20),
        metadata={"description": "as the voter file's registrations carry it"},
    )  # fmt: skip
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    address = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    notes = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))


class PollingPlaceOutSchema(ma.Schema):
    precinct_code = ma.fields.String()
    name = ma.fields.String()
    address = ma.fields.String()
    notes = ma.fields.String()
    updated_at = ma.fields.DateTime()


class PollingPlacesSetSchema(StrictSchema):
    places = ma.fields.List(
        ma.fields.Nested(PollingPlaceSchema), required=True,
        validate=ma.validate.Length(max=MAX_PLACES),
    )  # fmt: skip
    replace = ma.fields.Boolean(
        load_default=False, metadata={"description": "precincts not given lose theirs"}
    )


class PollingPlacesSetResultSchema(ma.Schema):
    given = ma.fields.Integer()
    removed = ma.fields.Integer()
    replace = ma.fields.Boolean()


class PollingPlaceArgsSchema(PageArgsSchema):
    precinct_code = ma.fields.String(validate=ma.validate.Length(max=20))
