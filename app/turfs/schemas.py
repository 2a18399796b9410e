"""What goes in and out of the turf API."""

from __future__ import annotations

import marshmallow as ma

from app.core.geo import BBox, GeoJSONPolygon, polygon_from_geojson
from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema
from app.turfs.cutting import MAX_TARGET, MIN_TARGET, CutSpec
from app.turfs.queries import TURF_SORTS
from app.universes.schemas import UniverseFilterSchema

AREA_KINDS = ("precinct", "ward")


class CutRequestSchema(StrictSchema):
    """An area (``polygon`` drawn on the map, or ``area_ids`` of precincts/wards), a target
    and the options; the same body previews and commits."""

    target = ma.fields.Integer(
        required=True, validate=ma.validate.Range(min=MIN_TARGET, max=MAX_TARGET)
    )
    polygon = GeoJSONPolygon(metadata={"description": "GeoJSON Polygon or MultiPolygon, WGS84"})
    area_ids = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1)),
        validate=ma.validate.Length(min=1, max=500),
    )
    universe_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1))
    filter = ma.fields.Nested(UniverseFilterSchema)
    respect = ma.fields.List(
        ma.fields.String(validate=ma.validate.OneOf(AREA_KINDS)),
        load_default=list,
        metadata={"description": "area kinds whose boundaries no turf crosses"},
    )
    use_barriers = ma.fields.Boolean(load_default=True)
    use_streets = ma.fields.Boolean(
        load_default=True, metadata={"description": "keep block faces whole"}
    )
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=120))

    @ma.validates_schema
    def _one_area(self, data, **kwargs):
        if ("polygon" in data) == ("area_ids" in data):
            raise ma.ValidationError("Give either a polygon or area_ids.", "polygon")
        if "universe_id" in data and "filter" in data:
            raise ma.ValidationError("Give either a universe_id or a filter.", "filter")


def cut_spec(body: dict, universe_filter: dict | None) -> CutSpec:
    polygon = body.get("polygon")
    return CutSpec(
        target=body["target"],
        polygon=polygon_from_geojson(polygon) if polygon else None,
        area_ids=tuple(body.get("area_ids", ())),
        universe_filter=universe_filter,
        respect=tuple(dict.fromkeys(body["respect"])),
        use_barriers=body["use_barriers"],
        use_streets=body["use_streets"],
    )


class CutPreviewSchema(ma.Schema):
    type = ma.fields.String()
    features = ma.fields.List(ma.fields.Dict())
    metrics = ma.fields.Dict()
    seconds = ma.fields.Dict()


class TurfCutSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    target = ma.fields.Integer()
    options = ma.fields.Dict()
    metrics = ma.fields.Dict()
    created_at = ma.fields.DateTime()
    turf_ids = ma.fields.List(ma.fields.Integer())


class TurfSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    status = ma.fields.String()
    cut_id = ma.fields.Integer(allow_none=True)
    door_count = ma.fields.Integer()
    target_count = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class TurfFeatureSchema(ma.Schema):
    type = ma.fields.String()
    id = ma.fields.Integer()
    geometry = ma.fields.Dict(allow_none=True)
    properties = ma.fields.Dict()


class TurfCollectionSchema(ma.Schema):
    type = ma.fields.String()
    features = ma.fields.List(ma.fields.Nested(TurfFeatureSchema))


class TurfListArgsSchema(PageArgsSchema):
    status = ma.fields.String(
        load_default="active", validate=ma.validate.OneOf(("active", "retired", "all"))
    )
    cut_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1))
    sort = sort_field(TURF_SORTS)


class TurfMapArgsSchema(StrictSchema):
    cut_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1))
    stats = ma.fields.Boolean(load_default=True)


class TurfUpdateSchema(StrictSchema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=120))
    captain_id = ma.fields.Integer(
        allow_none=True, validate=ma.validate.Range(min=1, max=2**62),
        metadata={"description": "the turf's captain (a user of the campaign); null: none"},
    )  # fmt: skip
    polygon = GeoJSONPolygon(metadata={"description": "a new outline (GeoJSON, WGS84)"})


class TurfMergeSchema(StrictSchema):
    turf_ids = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1)),
        required=True,
        validate=ma.validate.Length(min=2, max=50),
    )
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=120))


class TurfSplitSchema(StrictSchema):
    parts = ma.fields.Integer(load_default=2, validate=ma.validate.Range(min=2, max=20))


class TurfDoorsSchema(StrictSchema):
    address_ids = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1)),
        required=True,
        validate=ma.validate.Length(min=1, max=5_000),
    )


class TurfExportArgsSchema(StrictSchema):
    format = ma.fields.String(
        load_default="geojson", validate=ma.validate.OneOf(("geojson", "kml", "shapefile"))
    )
    cut_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1))


class TurfImportFormSchema(StrictSchema):
    name_field = ma.fields.String(
        validate=ma.validate.Length(min=1, max=80),
        metadata={"description": "the property holding each turf's name"},
    )


class TurfImportFileSchema(StrictSchema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class TurfImportResultSchema(ma.Schema):
    turf_ids = ma.fields.List(ma.fields.Integer())
    rejects = ma.fields.List(ma.fields.Dict())


class DoorMapArgsSchema(StrictSchema):
    bbox = BBox(required=True)
    universe_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**63 - 1))


class DoorMapSchema(ma.Schema):
    truncated = ma.fields.Boolean()
    doors = ma.fields.List(ma.fields.List(ma.fields.Float()))
