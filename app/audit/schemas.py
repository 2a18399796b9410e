import marshmallow as ma

from app.audit.queries import AUDIT_SORTS
from app.core.api import MAX_ID
from app.core.pagination import PageArgsSchema, sort_field


class AuditEventSchema(ma.Schema):
    id = ma.fields.Integer()
    organization_id = ma.fields.Integer(allow_none=True)
    actor_user_id = ma.fields.Integer(allow_none=True)
    actor_label = ma.fields.String()
    action = ma.fields.String()
    entity_type = ma.fields.String(allow_none=True)
    entity_id = ma.fields.String(allow_none=True)
    changes = ma.fields.Dict(
        attribute="changes_object",
        metadata={
            "description": "What changed; rows from before 0015 that held a list of "
            'field names read as {"items": [...]}'
        },
    )
    request_id = ma.fields.String(allow_none=True)
    ip = ma.fields.String(allow_none=True)
    user_agent = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()


class AuditQueryArgsSchema(PageArgsSchema):
    sort = sort_field(AUDIT_SORTS)
    actor_user_id = ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_ID))
    action = ma.fields.String(
        validate=ma.validate.Length(min=1, max=80),
        metadata={"description": "Exact action, or a prefix ending in '.' (e.g. 'user.')"},
    )
    entity_type = ma.fields.String(validate=ma.validate.Length(min=1, max=60))
    entity_id = ma.fields.String(validate=ma.validate.Length(min=1, max=64))
    since = ma.fields.AwareDateTime(default_timezone=None)
    until = ma.fields.AwareDateTime(default_timezone=None)
