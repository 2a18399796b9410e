"""What a door-knock interaction does to its person beyond the history row: the answers
(latest wins), the tags a yes adds, and the sticky flags of the result (moved, deceased,
do not contact); and how that is taken back when a director holds or rolls the knock back.

Each interaction records what it changed (``data.set_flags``, ``data.added_tags``) and what
it implies (``data.tags``), so taking it back clears only what it set and nothing another
live knock still says.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update

from app.canvass.models import Script
from app.extensions import db
from app.knocks.models import ResultCode, ResultEffect
from app.people.models import Interaction, InteractionKind, Person, SurveyAnswer
from app.people.operations import campaign_zone, normalise_tags, store_answers

#: The person's flags a result's sticky effect sets.
EFFECT_FLAGS: dict[ResultEffect, tuple[str, ...]] = {
    ResultEffect.MOVED: ("has_moved",),
    ResultEffect.WRONG_ADDRESS: ("has_moved",),
    ResultEffect.DECEASED: ("is_deceased",),
    ResultEffect.DO_NOT_CONTACT: ("do_not_contact",),
    ResultEffect.DO_NOT_CALL: ("do_not_call",),
}
FLAGS = ("has_moved", "is_deceased", "do_not_contact", "do_not_call")


def script_tags(script: Script | None, answers: dict[str, Any]) -> list[str]:
    """The tags these answers add: a yes to a question that carries a tag."""
    questions = script.questions if script else []
    return [q.tag for q in questions if q.tag and answers.get(q.key) == "yes"]


@dataclass
class People:
    """The people a batch touches, locked in id order (two batches on the same people wait
    for each other, never deadlock), with the flags and tags they have now."""

    flags: dict[int, set[str]] = field(default_factory=dict)
    tags: dict[int, list[str]] = field(default_factory=dict)
    changed: set[int] = field(default_factory=set)

    @classmethod
    def lock(cls, person_ids) -> People:
        people = cls()
        rows = db.session.execute(
            select(Person.id, Person.tags, *(getattr(Person, f) for f in FLAGS))
            .where(Person.id.in_(sorted(set(person_ids))))
            .order_by(Person.id)
            .with_for_update()
        )
        for row in rows:
            people.flags[row.id] = {f for f in FLAGS if getattr(row, f)}
            people.tags[row.id] = list(row.tags or [])
        return people

    def apply(self, person_id: int, effect: ResultEffect, tags: list[str]) -> dict[str, list]:
        """Set what ``effect`` and ``tags`` imply; returns what changed, for the
        interaction's data."""
        set_flags = [f for f in EFFECT_FLAGS.get(effect, ()) if f not in self.flags[person_id]]
        have = {t.casefold() for t in self.tags[person_id]}
        added = [t for t in normalise_tags(tags) if t.casefold() not in have]
        if set_flags or added:
            self.flags[person_id].update(set_flags)
            self.tags[person_id] = [*self.tags[person_id], *added]
            self.changed.add(person_id)
        return {"set_flags": set_flags, "added_tags": added, "tags": normalise_tags(tags)}

    def write(self) -> None:
        """One UPDATE for all the people changed, their values as its parameters (a sync
        batch changes hundreds), then the copies this session holds are read afresh."""
        if not self.changed:
            return
        rows = [{"person_id": person_id, "new_tags": self.tags[person_id],
                 **{f"new_{f}": f in self.flags[person_id] for f in FLAGS}}
                for person_id in sorted(self.changed)]  # fmt: skip
        db.session.execute(_WRITE_PEOPLE, rows)
        for held in list(db.session.identity_map.values()):
            if isinstance(held, Person) and held.id in self.changed:
                db.session.expire(held, ["tags", *FLAGS])
        self.changed.clear()


_people = Person.__table__
_WRITE_PEOPLE = (
    update(_people)
    .where(_people.c.id == bindparam("person_id"))
    .values(tags=bindparam("new_tags"), **{f: bindparam(f"new_{f}") for f in FLAGS})
)


def void(organization_id: int, interactions: list[Interaction], now: datetime) -> None:
    """Take these door-knock interactions out of their people's records: they stay in the
    history, voided; the answers fall back to what else was said that day; a flag or tag
    they set goes unless another live knock says the same."""
    if not interactions:
        return
    ids = [i.id for i in interactions]
    for interaction in interactions:
        interaction.voided_at = now
    db.session.flush()
    people = People.lock(i.person_id for i in interactions)
    _restore_answers(organization_id, ids)
    still = _live_implications(organization_id, people.flags.keys())
    for interaction in interactions:
        person_id, data = interaction.person_id, interaction.data or {}
        lost_flags = {f for f in data.get("set_flags", []) if f not in still[person_id]["flags"]}
        kept = still[person_id]["tags"]
        lost_tags = {t.casefold() for t in data.get("added_tags", []) if t.casefold() not in kept}
        if lost_flags or lost_tags:
            people.flags[person_id] -= lost_flags
            people.tags[person_id] = [
                t for t in people.tags[person_id] if t.casefold() not in lost_tags
            ]
            people.changed.add(person_id)
    people.write()


def revive(organization_id: int, interactions: list[Interaction], script: Script | None) -> None:
    """Put voided door-knock interactions back: their answers (where no later answer of the
    day beat them), flags and tags, as if they had just been synced."""
    if not interactions:
        return
    effects = _effects(organization_id)
    people = People.lock(i.person_id for i in interactions)
    for interaction in sorted(interactions, key=lambda i: (i.occurred_at, i.id)):
        data = dict(interaction.data or {})
        answers = data.get("answers") or {}
        data.update(
            people.apply(
                interaction.person_id,
                effects.get(interaction.result, ResultEffect.NONE),
                data.get("tags", script_tags(script, answers)),
            )
        )
        interaction.data = data
        interaction.voided_at = None
    people.write()
    store_answers(
        organization_id,
        [
            {
                "person_id": i.person_id,
                "question": key,
                "answer": value,
                "answered_at": i.occurred_at,
                "interaction_id": i.id,
                "user_id": i.user_id,
            }
            for i in interactions
            for key, value in sorted(((i.data or {}).get("answers") or {}).items())
        ],
    )


def _effects(organization_id: int) -> dict[str, ResultEffect]:
    """Result code -> its sticky effect, retired codes included (old knocks used them)."""
    rows = db.session.execute(
        select(ResultCode.code, ResultCode.effect).where(
            ResultCode.organization_id == organization_id
        )
    )
    return dict(rows.all())


def _live_implications(organization_id: int, person_ids) -> dict[int, dict[str, set[str]]]:
    """Per person: the flags and (casefolded) tags their live door knocks and calls imply."""
    effects = _effects(organization_id)
    implied: dict[int, dict[str, set[str]]] = defaultdict(lambda: {"flags": set(), "tags": set()})
    rows = db.session.execute(
        select(Interaction.person_id, Interaction.result, Interaction.data["tags"]).where(
            Interaction.person_id.in_(sorted(person_ids)),
            Interaction.kind.in_((InteractionKind.DOOR_KNOCK, InteractionKind.CALL)),
            Interaction.voided_at.is_(None),
        )
    )
    for person_id, result, tags in rows:
        implied[person_id]["flags"].update(
            EFFECT_FLAGS.get(effects.get(result, ResultEffect.NONE), ())
        )
        implied[person_id]["tags"].update(t.casefold() for t in tags or [])
    return implied


def _restore_answers(organization_id: int, voided_ids: list[int]) -> None:
    """Drop the answers the voided interactions gave; where another live interaction of the
    same person gave an answer to that question that day, it becomes the day's answer."""
    gone = db.session.execute(
        delete(SurveyAnswer)
        .where(SurveyAnswer.interaction_id.in_(voided_ids))
        .returning(SurveyAnswer.person_id, SurveyAnswer.question, SurveyAnswer.answered_on)
    ).all()
    if not gone:
        return
    zone = campaign_zone(organization_id)
    wanted = {(p, q, day) for p, q, day in gone}
    candidates = db.session.execute(
        select(Interaction)
        .where(
            Interaction.person_id.in_(sorted({p for p, _, _ in gone})),
            Interaction.voided_at.is_(None),
            Interaction.data.has_key("answers"),
        )
        .order_by(Interaction.occurred_at, Interaction.id)
    ).scalars()
    rows = [
        {
            "person_id": interaction.person_id,
            "question": key,
            "answer": value,
            "answered_at": interaction.occurred_at,
            "interaction_id": interaction.id,
            "user_id": interaction.user_id,
        }
        for interaction in candidates
        for key, value in ((interaction.data or {}).get("answers") or {}).items()
        if (interaction.person_id, key, interaction.occurred_at.astimezone(zone).date()) in wanted
    ]
    store_answers(organization_id, rows, zone)  # the latest of each day wins
