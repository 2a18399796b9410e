"""The demo's texting: two peer-to-peer campaigns over the five weeks (a recruitment text bank
in the first weeks, closed since, and a plan-to-vote one in the last, still open), texted
evenings by the canvassers through the texting operations themselves: the campaign started
from its universe (``start_campaign``), batches claimed (``claim``), each first message sent
with one tap (``send``: consent, landline and quiet-hours checks, the outbox, the history),
replies, HELP and STOP through the inbound path (``handle_inbound``: a STOP opts the phone
out everywhere and closes its conversations), and texters answering with canned answers.

Two things are written set-wise, because no provider exists on a demo machine: what the
provider said of each text (about nine in ten delivered, the rest refused as not taking
texts, its 21211, as the outbox marks them), and the times: the outbox rows and histories
are stamped with the clock at load and are put back to when each text was sent.

The people texted get mobile numbers in the 555-01XX range that reaches nobody. Whether a
text is delivered, answered or stopped is drawn from the seed and the number, so the same
seed gives the same campaign."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, text

from app.accounts.models import User
from app.core.actor import Actor
from app.extensions import db
from app.people.models import Person, PersonPhone
from app.people.operations import campaign_zone
from app.people.sms import handle_inbound
from app.texting.campaigns import close_campaign, create_campaign, start_campaign
from app.texting.conversations import claim, send
from app.texting.models import (
    Conversation,
    ConversationStatus,
    TextCampaign,
    TextCampaignKind,
)
from app.universes.operations import create_universe

#: Fictional numbers (NANP's 555-0100 to 555-0199) in the Philadelphia area's codes.
AREA_CODES = ("215", "267", "445", "484", "610")
#: Of the people texted: the carrier refused the text, they texted STOP, they replied.
UNDELIVERED, STOPPED, REPLIED = 0.09, 0.025, 0.1
#: The demo's own canvasser login: replies wait for them in the open campaign.
DEMO_TEXTER = "canvasser@demo.doorstep.test"
STOP_WORDS = ("STOP", "Stop", "stop", "STOP.", "Unsubscribe", "QUIT")
REPLIES = (
    "Yes! Count me in.", "Who is this?", "Sure, what time?", "Maybe, I work Saturdays.",
    "Already voted by mail :)", "Where do I vote again?", "Not interested, thanks.",
    "Can my daughter come too?", "Is there parking?", "I'll think about it.",
    "wrong number, sorry", "What's the address?",
)  # fmt: skip
ANSWERS = ("Thanks so much! See you there.", "Happy to help. Anything else?",
           "Sorry to bother you, have a good evening.")  # fmt: skip


@dataclass(frozen=True)
class TextBank:
    """One texting campaign of the demo: who, what, when (days after the start) and who
    texts."""

    name: str
    tag: str
    #: Of the people given phones, by id: the second campaign's take in the first's, and
    #: those who texted STOP to the first are left out of it when it starts.
    people: slice
    #: Conversations a texter claims an evening (the open campaign has some left to send).
    claims: int
    first_message: str
    canned: tuple[tuple[str, str], ...]
    days: tuple[int, ...]
    texters: tuple[str, ...]
    closes: bool


BANKS = (
    TextBank(
        "Demo: canvass launch recruitment", "demo text bank 1", slice(0, 90), 10,
        "Hi {{ first_name | default('there') | title }}, it's {{ texter_name | default('a "
        "volunteer') }} with {{ organization }}. We're knocking doors in your neighborhood "
        "this Saturday. Can you join us for an hour?",
        (("Where", "We meet at the field office, 4700 Baltimore Ave, at 10am."),
         ("Thanks", "Thank you, {{ first_name | default('friend') | title }}! See you then.")),
        (6, 9, 13), ("kai@demo.doorstep.test", "rosa@demo.doorstep.test",
                    "mina@demo.doorstep.test"), True,
    ),
    TextBank(
        "Demo: plan to vote", "demo text bank 2", slice(0, 150), 10,
        "Hi {{ first_name | default('there') | title }}, {{ texter_name | default('a "
        "volunteer') }} here from {{ organization }}. Election Day is coming: do you have a "
        "plan to vote?",
        (("Polling place", "You can look up your polling place at vote.pa.gov."),
         ("Thanks", "Thanks, {{ first_name | default('friend') | title }}! Every vote counts.")),
        (22, 27, 33), ("canvasser@demo.doorstep.test", "dev@demo.doorstep.test",
                       "lou@demo.doorstep.test"), False,
    ),
)  # fmt: skip
PHONES = 150


@dataclass
class DemoTexting:
    campaigns: int
    messaged: int
    replied: int
    opted_out: int


def has_texting(organization_id: int) -> bool:
    return bool(db.session.scalar(
        select(TextCampaign.id).where(TextCampaign.organization_id == organization_id,
                                      TextCampaign.name == BANKS[0].name)
    ))  # fmt: skip


def load_demo_texting(organization_id: int, seed: int, today: date,
                      organizer: User) -> DemoTexting:  # fmt: skip
    """Made once: with the demo's first text bank in place it adds nothing."""
    if has_texting(organization_id):
        return texting_figures(organization_id)
    texters = {u.email: u for u in db.session.scalars(select(User).where(
        User.organization_id == organization_id,
        User.email.in_([e for bank in BANKS for e in bank.texters])))}  # fmt: skip
    people = _people(organization_id)
    if len(people) < PHONES or len(texters) < 6:
        return texting_figures(organization_id)
    _give_phones(organization_id, people)
    start = today - timedelta(weeks=5)
    zone = campaign_zone(organization_id)
    for bank in BANKS:
        for person in people[bank.people]:
            person.tags = [*person.tags, bank.tag]
    db.session.flush()
    for bank in BANKS:
        _run(bank, organizer, texters, start, today, zone, seed)
    return texting_figures(organization_id)


def _people(organization_id: int) -> list[Person]:
    """Voters who may be texted, by id, past the forty the demo's email went to."""
    return list(db.session.scalars(
        select(Person).where(Person.organization_id == organization_id,
                             Person.first_name.is_not(None), Person.household_id.is_not(None),
                             Person.confidential.is_(False), Person.is_deceased.is_(False),
                             Person.do_not_contact.is_(False), Person.merged_into_id.is_(None))
        .order_by(Person.id).offset(40).limit(PHONES)
    ))  # fmt: skip


def _give_phones(organization_id: int, people: list[Person]) -> None:
    """A mobile each, at a number that reaches nobody; no consent recorded (peer texting)."""
    for n, person in enumerate(reversed(people)):  # the open campaign texts newcomers first
        number = f"+1{AREA_CODES[n // 100]}55501{n % 100:02d}"
        db.session.add(PersonPhone(organization_id=organization_id, person_id=person.id,
                                   number=number, kind="mobile", is_primary=True,
                                   source="demo"))  # fmt: skip
    db.session.flush()


def _run(bank: TextBank, organizer: User, texters: dict[str, User], start: date, today: date,
         zone, seed: int) -> None:  # fmt: skip
    """Start the campaign, text it session by session, then what came back, in time order."""
    actor = Actor.of(organizer)
    opened = _at(start + timedelta(days=bank.days[0]), 17, zone)
    universe = create_universe(actor, name=f"{bank.name}: list",
                               filter={"tags": {"any": [bank.tag]}})  # fmt: skip
    campaign = create_campaign(actor, {
        "name": bank.name, "kind": TextCampaignKind.PEER, "universe_id": universe.id,
        "first_message": bank.first_message, "contact": "organizer@demo.doorstep.test",
        "canned_responses": [{"title": t, "body": b} for t, b in bank.canned],
    })  # fmt: skip
    start_campaign(actor, campaign, opened)
    sessions = [start + timedelta(days=d) for d in bank.days if start + timedelta(days=d) < today]
    sent: list[tuple[datetime, User, Conversation]] = []
    for day in sessions:
        for n, email in enumerate(bank.texters):
            texter = texters[email]
            at = _at(day, 18, zone) + timedelta(minutes=9 * n)
            ids = claim(Actor.of(texter), campaign, bank.claims, at)
            held = db.session.scalars(select(Conversation).where(Conversation.id.in_(ids))
                                      .order_by(Conversation.id)).all()  # fmt: skip
            for conversation in held:  # one tap each, some seconds apart
                at += timedelta(seconds=25 + conversation.id * 7 % 30)
                send(Actor.of(texter), conversation, at)
                sent.append((at, texter, conversation))
    replies = planned_replies(bank, sent, zone, seed)
    _delivered(campaign.id, replies.undelivered)
    for at, _, kind, texter, conversation, words in sorted(replies.events, key=lambda e: e[:2]):
        if kind == "in":
            handle_inbound({"From": conversation.number, "Body": words,
                            "MessageSid": f"DEMO{campaign.id}x{conversation.id}x{at:%H%M}"},
                           received_at=at)  # fmt: skip
        elif conversation.status == ConversationStatus.NEEDS_RESPONSE:
            canned = {r.title: r.id for r in campaign.canned_responses}.get(words)
            send(Actor.of(texter), conversation, at, canned_response_id=canned,
                 body=None if canned else words)  # fmt: skip
    _delivered(campaign.id, replies.undelivered)
    if bank.closes:
        close_campaign(campaign, _at(sessions[-1] + timedelta(days=2), 12, zone) if sessions
                       else opened)  # fmt: skip
    _backdate(campaign, opened)


@dataclass
class Planned:
    events: list[tuple]  # (when, order, "in" | "answer", texter, conversation, words)
    undelivered: set[str]


def planned_replies(bank: TextBank, sent: list[tuple[datetime, User, Conversation]], zone,
                    seed: int) -> Planned:  # fmt: skip
    """What comes back, in the shares the rates say, drawn by the seed over the numbers:
    texts the carrier refused, STOPs, one HELP, and replies (some of each texter's), each
    answered by its texter some minutes later while it is daytime, except that in the
    campaign still open the demo's own canvasser has yet to answer theirs (their Texting
    screen has them waiting)."""
    events, undelivered = [], set()
    rng = random.Random(f"{seed}:text:{bank.tag}")  # noqa: S311 - the same demo every time
    theirs = sorted(sent, key=lambda item: item[2].number)
    rng.shuffle(theirs)
    gone, stops = round(UNDELIVERED * len(theirs)), round(STOPPED * len(theirs))
    fates = ["gone"] * gone + ["stop"] * stops + ["help"]
    rest = sorted(theirs[len(fates) :], key=lambda item: (item[1].id, item[2].number))
    for texter_id in sorted({texter.id for _, texter, _ in rest}):
        # Replies by texter, so each has some (the demo canvasser's wait in their screen).
        mine = [item for item in rest if item[1].id == texter_id]
        answered = set(rng.sample(range(len(mine)), round(REPLIED * len(mine))))
        fates += ["reply" if n in answered else "" for n in range(len(mine))]
    for (at, texter, conversation), fate in zip(theirs[: len(fates) - len(rest)] + rest, fates,
                                                strict=True):  # fmt: skip
        back = at + timedelta(minutes=rng.randint(2, 150))
        if fate == "gone":
            undelivered.add(conversation.number)
        elif fate in ("stop", "help"):
            words = rng.choice(STOP_WORDS) if fate == "stop" else "HELP"
            events.append((back, 1, "in", texter, conversation, words))
        elif fate == "reply":
            words = rng.choice(REPLIES)
            events.append((back, 1, "in", texter, conversation, words))
            answer = back + timedelta(minutes=rng.randint(3, 25))
            waits = not bank.closes and texter.email == DEMO_TEXTER
            if not waits and 8 <= answer.astimezone(zone).hour < 21:
                canned = bank.canned[0][0] if "?" in words else bank.canned[1][0]
                said = canned if rng.random() < 0.7 else rng.choice(ANSWERS)
                events.append((answer, 2, "answer", texter, conversation, said))
    return Planned(events, undelivered)


def _delivered(campaign_id: int, undelivered: set[str]) -> None:
    """What the provider said of the campaign's texts still in the outbox: delivered a few
    seconds after they were sent, or, for numbers that take no texts, refused (its 21211,
    which the outbox marks failed for good). Set-wise: no provider exists on a demo
    machine, and the outbox's own delivery would log each text."""
    db.session.flush()
    db.session.execute(
        text("""
        UPDATE outbound_messages o
        SET created_at = m.created_at, attempts = 1,
            status = CASE WHEN o.recipient = ANY(:gone) THEN 'failed' ELSE 'sent' END,
            sent_at = CASE WHEN o.recipient = ANY(:gone) THEN NULL
                      ELSE m.created_at + interval '3 seconds' END,
            last_error = CASE WHEN o.recipient = ANY(:gone)
                         THEN 'Not a number that takes texts (21211).' END
        FROM text_messages m JOIN text_conversations c ON c.id = m.conversation_id
        WHERE m.outbound_message_id = o.id AND c.campaign_id = :campaign
          AND o.status = 'pending'"""),
        {"campaign": campaign_id, "gone": sorted(undelivered)},
    )
    db.session.info.pop("outbox_pending", None)  # nothing is left for the outbox to send


def _backdate(campaign: TextCampaign, opened: datetime) -> None:
    """The histories and rows stamped with the clock at load, put back to their time."""
    ids = {"campaign": campaign.id, "at": opened}
    db.session.execute(
        text("""
        UPDATE text_campaigns SET created_at = :at - interval '1 day',
               updated_at = coalesce(closed_at, :at) WHERE id = :campaign"""),
        ids,
    )
    db.session.execute(
        text("""
        UPDATE text_conversations SET created_at = :at WHERE campaign_id = :campaign"""),
        ids,
    )
    db.session.execute(
        text("""
        UPDATE interactions i SET recorded_at = i.occurred_at
        FROM text_conversations c
        WHERE c.campaign_id = :campaign AND i.person_id = c.person_id AND i.kind = 'text'
          AND i.recorded_at > i.occurred_at"""),
        ids,
    )
    db.session.expire_all()


def _at(day: date, hour: int, zone) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone)


def texting_figures(organization_id: int) -> DemoTexting:
    row = db.session.execute(
        text("""
        SELECT count(DISTINCT c.campaign_id), count(*) FILTER (WHERE first_sent_at IS NOT NULL),
               count(*) FILTER (WHERE EXISTS (SELECT FROM text_messages m
                               WHERE m.conversation_id = c.id AND m.direction = 'in')),
               count(*) FILTER (WHERE status = 'opted_out')
        FROM text_conversations c WHERE organization_id = :org"""),
        {"org": organization_id},
    )
    return DemoTexting(*row.one())
