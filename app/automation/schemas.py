"""What goes in and out of the automation API."""

from __future__ import annotations

import marshmallow as ma

from app.automation.models import FollowUpStatus
from app.automation.queries import RULE_SORTS
from app.core.pagination import PageArgsSchema, sort_field
from app.core.schemas import StrictSchema
from app.texting.schemas import TexteeSchema
from app.universes.schemas import UniverseFilterSchema

#: A follow-up a year after the event is the longest wait a rule has.
MAX_DELAY_MINUTES = 366 * 24 * 60
KIND = ma.validate.Regexp(r"^[a-z][a-z0-9_]{0,39}$", error="Lower-case letters, digits, _.")


def _params(description: str, **kwargs) -> ma.fields.Dict:
    return ma.fields.Dict(keys=ma.fields.String(validate=ma.validate.Length(max=60)),
                          metadata={"description": description}, **kwargs)  # fmt: skip


class RuleUpdateSchema(StrictSchema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=120))
    trigger = ma.fields.String(validate=KIND, metadata={"description": "GET /automation/kinds"})
    trigger_params = _params("What the trigger must say (the trigger kind's params)")
    conditions = ma.fields.Nested(
        UniverseFilterSchema,
        metadata={"description": "A universe filter the person must still fit when it is due"},
    )
    delay_minutes = ma.fields.Integer(validate=ma.validate.Range(min=0, max=MAX_DELAY_MINUTES))
    action = ma.fields.String(validate=KIND, metadata={"description": "GET /automation/kinds"})
    action_params = _params("What the action does (the action kind's params)")
    is_active = ma.fields.Boolean()


class RuleInSchema(RuleUpdateSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120))
    trigger = ma.fields.String(required=True, validate=KIND)
    conditions = ma.fields.Nested(UniverseFilterSchema, load_default=dict)
    delay_minutes = ma.fields.Integer(
        load_default=0, validate=ma.validate.Range(min=0, max=MAX_DELAY_MINUTES)
    )
    action = ma.fields.String(required=True, validate=KIND)
    trigger_params = _params("What the trigger must say", load_default=dict)
    action_params = _params("What the action does", load_default=dict)
    is_active = ma.fields.Boolean(load_default=True)


class RuleSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    trigger = ma.fields.String()
    trigger_params = ma.fields.Dict()
    conditions = ma.fields.Dict()
    delay_minutes = ma.fields.Integer()
    action = ma.fields.String()
    action_params = ma.fields.Dict()
    is_active = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    counts = ma.fields.Dict(metadata={"description": "entered, waiting, done, skipped (by why)"})


class RuleListArgsSchema(PageArgsSchema):
    trigger = ma.fields.String(validate=KIND)
    sort = sort_field(RULE_SORTS)


class KindSchema(ma.Schema):
    name = ma.fields.String()
    description = ma.fields.String()
    params = ma.fields.Method("_params")
    fields = ma.fields.Method("_fields", metadata={"description": "Merge fields it gives"})
    available = ma.fields.Method("_available")

    def _params(self, kind):
        return sorted(kind.params().fields)

    def _fields(self, kind):
        return sorted(getattr(kind, "fields", ()))

    def _available(self, kind):
        return getattr(kind, "is_available", True)


class KindsSchema(ma.Schema):
    triggers = ma.fields.List(ma.fields.Nested(KindSchema))
    actions = ma.fields.List(ma.fields.Nested(KindSchema))


class FollowUpListArgsSchema(PageArgsSchema):
    status = ma.fields.Enum(FollowUpStatus, by_value=True)


class FollowUpSchema(ma.Schema):
    id = ma.fields.Integer()
    person = ma.fields.Nested(TexteeSchema)
    event_key = ma.fields.String()
    status = ma.fields.Enum(FollowUpStatus, by_value=True)
    reason = ma.fields.String(allow_none=True)
    entered_at = ma.fields.DateTime()
    due_at = ma.fields.DateTime()
    done_at = ma.fields.DateTime(allow_none=True)
    result = ma.fields.Dict()


class TaskListArgsSchema(PageArgsSchema):
    scope = ma.fields.String(load_default="mine", validate=ma.validate.OneOf(("mine", "all")))
    done = ma.fields.Boolean(load_default=False)


class TaskSchema(ma.Schema):
    id = ma.fields.Integer()
    person = ma.fields.Nested(TexteeSchema)
    assignee_id = ma.fields.Integer()
    rule_id = ma.fields.Integer(allow_none=True)
    title = ma.fields.String()
    notes = ma.fields.String()
    created_at = ma.fields.DateTime()
    done_at = ma.fields.DateTime(allow_none=True)
