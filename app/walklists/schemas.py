"""What goes in and out of the walk-list API."""

from __future__ import annotations

import marshmallow as ma

from app.core.codes import CODE_LENGTH
from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema
from app.walklists.operations import MAX_NEAR_DOORS
from app.walklists.queries import LIST_SORTS

ID = ma.validate.Range(min=1, max=2**63 - 1)


def _assignees():
    return ma.fields.List(
        ma.fields.Integer(validate=ID),
        load_default=list,
        validate=ma.validate.Length(max=50),
        metadata={"description": "users (canvassers) to hand the list to"},
    )


class _NewListSchema(StrictSchema):
    universe_id = ma.fields.Integer(
        validate=ID,
        metadata={"description": "the targets; without it everybody at the doors is a target"},
    )
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=120))
    expires_at = ma.fields.AwareDateTime(
        metadata={"description": "when the list lapses and frees its doors (default: 3 days)"}
    )
    assignee_ids = _assignees()


class TurfListCreateSchema(_NewListSchema):
    turf_id = ma.fields.Integer(required=True, validate=ID)


class NearListCreateSchema(_NewListSchema):
    lon = ma.fields.Float(required=True, validate=ma.validate.Range(min=-180, max=180))
    lat = ma.fields.Float(required=True, validate=ma.validate.Range(min=-90, max=90))
    count = ma.fields.Integer(
        load_default=30,
        validate=ma.validate.Range(min=1, max=MAX_NEAR_DOORS),
        metadata={"description": "doors on the list"},
    )
    max_distance_m = ma.fields.Float(validate=ma.validate.Range(min=1, max=50_000))


class WalkListArgsSchema(PageArgsSchema):
    status = ma.fields.String(
        load_default="active",
        validate=ma.validate.OneOf(("active", "closed", "expired", "all")),
    )
    turf_id = ma.fields.Integer(validate=ID)
    mine = ma.fields.Boolean(load_default=False, metadata={"description": "only the lists I hold"})
    sort = sort_field(LIST_SORTS)


class AssignSchema(StrictSchema):
    user_ids = ma.fields.List(
        ma.fields.Integer(validate=ID), required=True, validate=ma.validate.Length(min=1, max=50)
    )


class ClaimSchema(StrictSchema):
    code = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=CODE_LENGTH, max=40),
        metadata={"description": "the list's code as printed (dashes and case do not matter)"},
    )


class SheetArgsSchema(StrictSchema):
    format = ma.fields.String(
        load_default="pdf", validate=ma.validate.OneOf(("pdf", "csv", "xlsx"))
    )


class QrArgsSchema(StrictSchema):
    format = ma.fields.String(load_default="svg", validate=ma.validate.OneOf(("svg", "png")))


class AssigneeSchema(ma.Schema):
    user_id = ma.fields.Integer()
    name = ma.fields.String()
    claimed = ma.fields.Boolean()
    assigned_at = ma.fields.DateTime()


class ProgressSchema(ma.Schema):
    households = ma.fields.Integer()
    knocked = ma.fields.Integer()
    contacted = ma.fields.Integer()
    share_knocked = ma.fields.Float()
    last_knock_at = ma.fields.DateTime(allow_none=True)


class WalkListSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    code = ma.fields.String()
    kind = ma.fields.String()
    status = ma.fields.String()
    turf_id = ma.fields.Integer(allow_none=True)
    universe_id = ma.fields.Integer(allow_none=True)
    household_mode = ma.fields.String()
    origin = ma.fields.Dict(allow_none=True)
    expires_at = ma.fields.DateTime()
    closed_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    door_count = ma.fields.Integer()
    household_count = ma.fields.Integer()
    people_count = ma.fields.Integer()
    target_count = ma.fields.Integer()
    route_length_m = ma.fields.Float()
    claim_url = ma.fields.String()
    assignees = ma.fields.List(ma.fields.Nested(AssigneeSchema))
    progress = ma.fields.Nested(ProgressSchema)


class ListedPersonSchema(ma.Schema):
    person_id = ma.fields.Integer()
    first_name = ma.fields.String()
    middle_name = ma.fields.String()
    last_name = ma.fields.String()
    suffix = ma.fields.String()
    gender = ma.fields.String()
    age = ma.fields.Integer(allow_none=True)
    party = ma.fields.String()
    languages = ma.fields.List(ma.fields.String())
    is_target = ma.fields.Boolean()
    knocked = ma.fields.Boolean()
    last_result = ma.fields.String(allow_none=True)


class StopSchema(ma.Schema):
    position = ma.fields.Integer()
    door_number = ma.fields.Integer()
    address_id = ma.fields.Integer()
    household_id = ma.fields.Integer()
    address = ma.fields.String()
    unit = ma.fields.String()
    city = ma.fields.String()
    zip = ma.fields.String()
    lon = ma.fields.Float(allow_none=True)
    lat = ma.fields.Float(allow_none=True)
    people = ma.fields.List(ma.fields.Nested(ListedPersonSchema))
    place_notes = ma.fields.List(ma.fields.Dict())


class WalkListDetailSchema(WalkListSchema):
    stops = ma.fields.List(ma.fields.Nested(StopSchema))
