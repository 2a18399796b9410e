"""Verbs on texting campaigns: write one, start it (its conversations are made from the
universe: one per person, at one phone), close it; canned answers; what it will cost."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.dialects.postgresql import distinct_on, insert

from app.accounts.models import User
from app.audit.operations import describe_changes, record_audit
from app.canvass.models import Script
from app.core.actor import Actor
from app.core.errors import Conflict, NotFound
from app.extensions import db
from app.outreach.templates import MissingMergeField
from app.people.models import Person, PersonPhone
from app.people.visibility import Channel, is_reachable
from app.texting.delivery import (
    check_text_template,
    merge_fields,
    price,
    render_text,
    with_opt_out,
)
from app.texting.models import (
    CannedResponse,
    Conversation,
    ConversationStatus,
    TextCampaign,
    TextCampaignKind,
    TextCampaignStatus,
)
from app.universes.models import Universe
from app.universes.queries import Search, get_universe

#: Fields a started campaign keeps: its people and first words were what texters sent.
FIXED_ONCE_STARTED = ("kind", "universe_id", "first_message")
#: People whose first message an estimate renders (the rest are assumed alike).
ESTIMATE_SAMPLE = 200


def get_campaign(organization_id: int, campaign_id: int) -> TextCampaign:
    campaign = db.session.get(TextCampaign, campaign_id) if campaign_id < 2**63 else None
    if campaign is None or campaign.organization_id != organization_id:
        raise NotFound("No such texting campaign.", code="text_campaign_not_found")
    return campaign


def _check_name_free(organization_id: int, name: str, campaign_id: int | None = None) -> None:
    taken = select(TextCampaign.id).where(
        TextCampaign.organization_id == organization_id, TextCampaign.name == name
    )
    if campaign_id is not None:
        taken = taken.where(TextCampaign.id != campaign_id)
    if db.session.scalar(taken) is not None:
        raise Conflict("The campaign has a texting campaign with this name.",
                       code="text_campaign_name_taken",
                       fields={"name": ["Already used."]})  # fmt: skip


def _check_refs(actor: Actor, fields: dict[str, Any]) -> None:
    if fields.get("universe_id") is not None:
        get_universe(actor.organization_id, actor.user_id or 0, fields["universe_id"])
    if fields.get("script_id") is not None:
        script = db.session.get(Script, fields["script_id"])
        if script is None or script.organization_id != actor.organization_id:
            raise NotFound("No such script.", code="script_not_found",
                           fields={"script_id": [fields["script_id"]]})  # fmt: skip
    if "first_message" in fields:
        check_text_template(fields["first_message"], field="first_message")


def create_campaign(actor: Actor, fields: dict[str, Any]) -> TextCampaign:
    """A draft campaign, with its canned answers (``canned_responses``)."""
    _check_name_free(actor.organization_id, fields["name"])
    _check_refs(actor, fields)
    canned = fields.pop("canned_responses", [])
    campaign = TextCampaign(organization_id=actor.organization_id, created_by_id=actor.user_id,
                            status=TextCampaignStatus.DRAFT, **fields)  # fmt: skip
    db.session.add(campaign)
    changes = describe_changes(campaign)
    db.session.flush()
    for entry in canned:
        add_canned_response(campaign, entry)
    record_audit("texting.campaign.create", entity=campaign, changes=changes)
    return campaign


def update_campaign(actor: Actor, campaign: TextCampaign, changes: dict[str, Any]) -> TextCampaign:
    fixed = [key for key in FIXED_ONCE_STARTED if key in changes]
    if fixed and campaign.status != TextCampaignStatus.DRAFT:
        raise Conflict("A started campaign keeps its kind, people and first message.",
                       code="text_campaign_started",
                       fields={key: ["Fixed once started."] for key in fixed})  # fmt: skip
    if "name" in changes:
        _check_name_free(campaign.organization_id, changes["name"], campaign.id)
    _check_refs(actor, changes)
    for key, value in changes.items():
        setattr(campaign, key, value)
    summary = describe_changes(campaign)
    db.session.flush()
    if summary:
        record_audit("texting.campaign.update", entity=campaign, changes=summary)
    return campaign


def add_canned_response(campaign: TextCampaign, fields: dict[str, Any]) -> CannedResponse:
    check_text_template(fields["body"], field="body")
    position = len(campaign.canned_responses)
    response = CannedResponse(organization_id=campaign.organization_id, campaign_id=campaign.id,
                              title=fields["title"], body=fields["body"],
                              position=position)  # fmt: skip
    campaign.canned_responses.append(response)
    db.session.flush()
    return response


def delete_canned_response(organization_id: int, response_id: int) -> None:
    response = db.session.get(CannedResponse, response_id) if response_id < 2**63 else None
    if response is None or response.organization_id != organization_id:
        raise NotFound("No such canned response.", code="canned_response_not_found")
    db.session.delete(response)
    db.session.flush()


def _people(campaign: TextCampaign):
    """The ids of the universe's people who may be texted at all, now."""
    universe = db.session.get(Universe, campaign.universe_id) if campaign.universe_id else None
    if universe is None:
        raise Conflict("The campaign's universe was deleted: choose another.",
                       code="universe_not_found", fields={"universe_id": ["Deleted."]})  # fmt: skip
    people = Search.of(universe).people().where(is_reachable(Channel.TEXT))
    return people.with_only_columns(Person.id)


def _recipients(campaign: TextCampaign):
    """(person_id, number) for each person: their best phone that may take a text (the
    primary, then a mobile), and each number once (a phone a household shares)."""
    usable = [PersonPhone.person_id.in_(_people(campaign)), PersonPhone.do_not_contact.is_(False),
              PersonPhone.kind != "landline"]  # fmt: skip
    if campaign.kind == TextCampaignKind.BROADCAST:
        usable.append(PersonPhone.sms_consent.is_(True))  # broadcasts: recorded consent only
    best = (
        select(PersonPhone.person_id, PersonPhone.number)
        .where(*usable)
        .ext(distinct_on(PersonPhone.person_id))
        .order_by(
            PersonPhone.person_id,
            PersonPhone.is_primary.desc(),
            (PersonPhone.kind == "mobile").desc(),
            PersonPhone.id,
        )
        .subquery()
    )
    return (
        select(best.c.person_id, best.c.number)
        .ext(distinct_on(best.c.number))
        .order_by(best.c.number, best.c.person_id)
    )


def start_campaign(actor: Actor, campaign: TextCampaign, now: datetime) -> int:
    """Make the conversations (one per person who may be texted) and open the campaign:
    texters claim them (peer), or the worker sends them (broadcast). Returns how many."""
    if campaign.status != TextCampaignStatus.DRAFT:
        raise Conflict("The campaign has started already.", code="text_campaign_started")
    recipients = _recipients(campaign).subquery()
    made = len(
        db.session.execute(
            insert(Conversation)
            .from_select(
                ["organization_id", "campaign_id", "person_id", "number", "status"],
                select(
                    literal(campaign.organization_id),
                    literal(campaign.id),
                    recipients.c.person_id,
                    recipients.c.number,
                    literal(ConversationStatus.NEEDS_MESSAGE.value),
                ),
            )
            .on_conflict_do_nothing()
            .returning(Conversation.id)
        ).all()
    )
    campaign.status, campaign.started_at = TextCampaignStatus.ACTIVE, now
    db.session.flush()
    record_audit("texting.campaign.start", entity=campaign, changes={"conversations": made})
    return made


def close_campaign(campaign: TextCampaign, now: datetime) -> TextCampaign:
    """Nothing more is sent (replies still land in their threads)."""
    if campaign.status == TextCampaignStatus.CLOSED:
        return campaign
    campaign.status, campaign.closed_at = TextCampaignStatus.CLOSED, now
    db.session.flush()
    record_audit("texting.campaign.close", entity=campaign, changes={"status": "closed"})
    return campaign


def first_message(campaign: TextCampaign, person: Person, texter: User | None) -> str:
    """The first message for ``person``, as sent (with how to opt out)."""
    fields = merge_fields(person, texter=texter, campaign_name=campaign.name,
                          template=campaign.first_message)  # fmt: skip
    return with_opt_out(render_text(campaign.first_message, fields, field="first_message"))


def estimate(campaign: TextCampaign, texter: User) -> dict[str, Any]:
    """How many people, segments and what it costs: the first message rendered for a sample
    of the people (``ESTIMATE_SAMPLE``), the average applied to the rest. People the message
    cannot be rendered for (a merge field they lack) are counted apart."""
    if campaign.status == TextCampaignStatus.DRAFT:
        recipients = _recipients(campaign).subquery()
        total = db.session.scalar(select(func.count()).select_from(recipients)) or 0
        sample_ids = select(recipients.c.person_id).limit(ESTIMATE_SAMPLE)
    else:
        waiting = select(Conversation.person_id).where(
            Conversation.campaign_id == campaign.id,
            Conversation.status == ConversationStatus.NEEDS_MESSAGE,
        )
        total = db.session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
        sample_ids = waiting.order_by(Conversation.id).limit(ESTIMATE_SAMPLE)
    people = db.session.scalars(select(Person).where(Person.id.in_(sample_ids))).all()
    counts, missing, example = [], 0, None
    for person in people:
        try:
            body = first_message(campaign, person, texter)
        except MissingMergeField:
            missing += 1
            continue
        example = example or body
        counts.append(price(body).segments)
    average = sum(counts) / len(counts) if counts else 0
    segments = round(average * total)
    per_segment = price("x").cost  # one segment's cost
    return {
        "recipients": total,
        "sampled": len(people),
        "cannot_render": missing,
        "segments_per_message": {"average": round(average, 2), "max": max(counts, default=0)},
        "segments": segments,
        "cost": per_segment * segments,
        "cost_per_segment": per_segment,
        "example": example,
    }
