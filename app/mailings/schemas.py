"""Templates and campaigns in and out."""

from __future__ import annotations

import marshmallow as ma

from app.core.api import MAX_ID
from app.core.pagination import PageArgsSchema
from app.core.schemas import StrictSchema
from app.mailings.models import AudienceKind, CampaignStatus
from app.outreach.templates import MAX_TEMPLATE_CHARS
from app.people.models import ConsentPurpose

_TEMPLATE = ma.validate.Length(max=MAX_TEMPLATE_CHARS)
ID = ma.validate.Range(min=1, max=MAX_ID)


def _parts(required: bool) -> dict[str, ma.fields.Field]:
    return {
        "subject": ma.fields.String(required=required, validate=ma.validate.Length(min=1, max=300)),
        "preheader": ma.fields.String(validate=ma.validate.Length(max=300)),
        "html_body": ma.fields.String(validate=_TEMPLATE),
        "text_body": ma.fields.String(
            required=required, validate=[ma.validate.Length(min=1), _TEMPLATE]
        ),
    }


TemplateInSchema = StrictSchema.from_dict(
    {
        "name": ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=120)),
        **_parts(required=True),
    },
    name="TemplateInSchema",
)
TemplatePatchSchema = StrictSchema.from_dict(
    {"name": ma.fields.String(validate=ma.validate.Length(min=1, max=120)), **_parts(False)},
    name="TemplatePatchSchema",
)


class TemplateSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    subject = ma.fields.String()
    preheader = ma.fields.String()
    html_body = ma.fields.String()
    text_body = ma.fields.String()
    updated_at = ma.fields.DateTime()


def _campaign_fields() -> dict[str, ma.fields.Field]:
    return {
        "name": ma.fields.String(validate=ma.validate.Length(min=1, max=120)),
        "purpose": ma.fields.Enum(ConsentPurpose, by_value=True),
        "audience_kind": ma.fields.Enum(AudienceKind, by_value=True),
        "audience_id": ma.fields.Integer(allow_none=True, validate=ID),
        "from_name": ma.fields.String(validate=ma.validate.Length(min=1, max=120)),
        "from_address": ma.fields.Email(validate=ma.validate.Length(max=254)),
        "reply_to": ma.fields.Email(validate=ma.validate.Length(max=254)),
        "one_per_address": ma.fields.Boolean(),
        "consented_only": ma.fields.Boolean(),
        **_parts(required=False),
    }


_create = _campaign_fields()
for _name in ("name", "purpose", "audience_kind"):
    _create[_name].required = True
CampaignInSchema = StrictSchema.from_dict(
    {**_create, "template_id": ma.fields.Integer(validate=ID)},
    name="CampaignInSchema",
)
CampaignPatchSchema = StrictSchema.from_dict(_campaign_fields(), name="CampaignPatchSchema")


class CampaignSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    purpose = ma.fields.Enum(ConsentPurpose, by_value=True)
    audience_kind = ma.fields.Enum(AudienceKind, by_value=True)
    audience_id = ma.fields.Integer(allow_none=True)
    status = ma.fields.Enum(CampaignStatus, by_value=True)
    subject = ma.fields.String()
    preheader = ma.fields.String()
    html_body = ma.fields.String()
    text_body = ma.fields.String()
    from_name = ma.fields.String()
    from_address = ma.fields.String()
    reply_to = ma.fields.String()
    one_per_address = ma.fields.Boolean()
    consented_only = ma.fields.Boolean()
    scheduled_at = ma.fields.DateTime(allow_none=True)
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class CampaignListArgsSchema(PageArgsSchema):
    status = ma.fields.Enum(CampaignStatus, by_value=True)


class SendSchema(StrictSchema):
    at = ma.fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "when to send; now when left out"},
    )


class PreviewArgsSchema(StrictSchema):
    person_id = ma.fields.Integer(required=True, validate=ID)


class TestSendSchema(StrictSchema):
    person_id = ma.fields.Integer(required=True, validate=ID)
    to = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))


class RenderedSchema(ma.Schema):
    subject = ma.fields.String()
    preheader = ma.fields.String()
    html = ma.fields.String()
    text = ma.fields.String()
    headers = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())


class AudienceCountSchema(ma.Schema):
    recipients = ma.fields.Integer()


class ResultsSchema(ma.Schema):
    recipients = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    total = ma.fields.Integer()
    engagement = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    bounced = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    opens_are_unreliable = ma.fields.Boolean()


class MailWebhookResultSchema(ma.Schema):
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
