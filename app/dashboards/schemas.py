"""The dashboard's inputs (one scope for every panel) and outputs (loose: the panels are
documented field by field in docs/dashboards.md)."""

from __future__ import annotations

from datetime import date

import marshmallow as ma

from app.core.pagination import PageArgsSchema
from app.core.schemas import StrictSchema

ID = ma.validate.Range(min=1, max=2**31 - 1)
AREA_KIND = ma.validate.Length(min=1, max=30)
MAP_MEASURES = ("doors", "contacts", "contact_rate", "support", "doors_left", "raised")
MAP_MEASURES = ("doors", "contacts", "contact_rate", "support", "doors_left", "raised")


DAY = ma.validate.Range(min=date(1900, 1, 1), max=date(2999, 12, 31))


class ScopeArgsSchema(StrictSchema):
    from_ = ma.fields.Date(
        data_key="from", validate=DAY, metadata={"description": "Default: 29 days before to"}
    )
    to = ma.fields.Date(validate=DAY, metadata={"description": "Default: the campaign's today"})
    area_id = ma.fields.Integer(validate=ID, metadata={"description": "One area (any kind)"})
    team_id = ma.fields.Integer(validate=ID)
    user_id = ma.fields.Integer(validate=ID, metadata={"description": "One canvasser"})
    universe_id = ma.fields.Integer(validate=ID, metadata={"description": "Its people only"})


class PanelArgsSchema(ScopeArgsSchema):
    area_kind = ma.fields.String(
        load_default="precinct", validate=AREA_KIND, metadata={"description": "Rows by area"}
    )
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(("json", "csv")))


class MapArgsSchema(ScopeArgsSchema):
    area_kind = ma.fields.String(load_default="precinct", validate=AREA_KIND)
    measure = ma.fields.String(
        load_default="contact_rate",
        validate=ma.validate.OneOf(MAP_MEASURES),
    )


class PeopleArgsSchema(ScopeArgsSchema, PageArgsSchema):
    measure = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))


class SaveUniverseSchema(ScopeArgsSchema):
    measure = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))


class SummaryArgsSchema(ScopeArgsSchema):
    area_kind = ma.fields.String(load_default="precinct", validate=AREA_KIND)


class WeeklySummarySchema(StrictSchema):
    recipients = ma.fields.List(
        ma.fields.Integer(validate=ID),
        required=True,
        validate=ma.validate.Length(max=50),
        metadata={"description": "User ids of the campaign's admins, directors, organizers "
                  "and finance staff (at most 50)"},
    )  # fmt: skip
    weekday = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        ),
    )
    hour = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=0, max=23),
        metadata={"description": "In the campaign's time zone"},
    )
    enabled = ma.fields.Boolean(required=True)


class StaffMemberSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    email = ma.fields.String()
    role = ma.fields.String()


class WeeklySummaryOutSchema(ma.Schema):
    recipients = ma.fields.List(ma.fields.Integer())
    weekday = ma.fields.String()
    hour = ma.fields.Integer()
    enabled = ma.fields.Boolean()
    time_zone = ma.fields.String()
    staff = ma.fields.List(
        ma.fields.Nested(StaffMemberSchema),
        metadata={"description": "Who may be chosen: the campaign's active staff"},
    )


class FieldGoalSchema(StrictSchema):
    doors = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=100_000_000))
    goal_on = ma.fields.Date(required=True)


class FieldGoalOutSchema(ma.Schema):
    doors = ma.fields.Integer()
    goal_on = ma.fields.Date()


def _rows():
    return ma.fields.List(ma.fields.Dict())


class FieldPanelSchema(ma.Schema):
    total = ma.fields.Dict(metadata={"description": "doors, contacts, contact_rate"})
    by_day = _rows()
    by_hour = _rows()
    by_area = _rows()
    by_team = _rows()
    by_canvasser = _rows()
    support = ma.fields.Dict(metadata={"description": "by_score, by_day"})
    doors_left = ma.fields.Dict()
    pace = ma.fields.Dict(allow_none=True)


class VolunteersPanelSchema(ma.Schema):
    total = ma.fields.Dict()
    by_week = _rows()
    by_day = _rows()
    retention = ma.fields.Dict()
    top_recruiters = _rows()


class MoneyPanelSchema(ma.Schema):
    total = ma.fields.Dict()
    by_day = _rows()
    by_source = _rows()
    by_region = _rows()
    goals = _rows()


class OutreachPanelSchema(ma.Schema):
    total = ma.fields.Dict()
    email_campaigns = _rows()
    text_campaigns = _rows()
    by_week = _rows()
    by_day = _rows()


def panel_responses(schema_name: str) -> dict:
    """``blp.doc`` keywords: the panel as JSON (its schema) or, ``format=csv``, as CSV."""
    return {
        "responses": {
            "200": {
                "description": "The panel (JSON, with an ETag), or its tables as CSV",
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}},
                    "text/csv": {"schema": {"type": "string"}},
                },
            },
            "304": {"description": "Unchanged since the ETag given in If-None-Match"},
        }
    }


class DashboardMapSchema(ma.Schema):
    kind = ma.fields.String()
    measure = ma.fields.String()
    breaks = ma.fields.List(ma.fields.Float())
    features = ma.fields.List(ma.fields.Dict())


class DashboardPersonSchema(ma.Schema):
    id = ma.fields.Integer()
    first_name = ma.fields.String()
    last_name = ma.fields.String()


class DashboardPeopleSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(DashboardPersonSchema))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    per_page = ma.fields.Integer()
    pages = ma.fields.Integer()


class DashboardUniverseSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    people = ma.fields.Integer()
