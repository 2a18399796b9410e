"""The demo's field work: the ward cut into turfs, walk lists handed out over five weeks to
six canvassers, and their knocks, synced through the canvass sync as the phones send them
(``sync_batch``: the same knocks, histories, answers, tags and sticky flags as a real
canvass), a batch of up to 200 records per canvasser after a shift or two, received some
minutes after its last door (the sync is told when)."""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from sqlalchemy import func, select, text

from app.accounts.models import Organization, User
from app.accounts.operations import create_user
from app.accounts.passwords import hash_password
from app.areas.models import Area
from app.auth.permissions import Role
from app.canvass.sync import sync_batch
from app.core.actor import Actor
from app.demo_activity.plan import ListPlan, Stop, precinct_leans, shift_days, walk
from app.extensions import db
from app.people.operations import campaign_zone
from app.turfs.cutting import CutSpec
from app.turfs.models import Turf, TurfCut, TurfStatus
from app.turfs.operations import commit_cut
from app.universes.queries import Search
from app.voters.models import Address
from app.walklists.models import WalkList, WalkListAssignment, WalkListPerson, WalkListStop
from app.walklists.operations import close, create_turf_list

logger = logging.getLogger(__name__)

DEMO_CUT = "Demo: ward 27 at 60 homes"
WEEKS = 5
#: The canvassers besides the demo's own canvasser login (same password, role canvasser).
CANVASSERS = (
    ("kai@demo.doorstep.test", "Kai Canvasser"),
    ("rosa@demo.doorstep.test", "Rosa Walker"),
    ("dev@demo.doorstep.test", "Dev Doorknocker"),
    ("mina@demo.doorstep.test", "Mina Volunteer"),
    ("lou@demo.doorstep.test", "Lou Weekend"),
)
#: Lists handed out in three waves (days after the start); the last wave is still out.
WAVES = (0, 12, 24)
LISTS_PER_WAVE = 5
#: A phone syncs its outbox when it finds signal: here, after a shift or two (the sync's
#: largest batch is 200 records).
BATCH = 200
SYNCED_AFTER = timedelta(minutes=25)


@dataclass
class DemoField:
    turfs: int
    lists: int
    knocks: int
    canvassers: int


def has_field(organization_id: int) -> bool:
    return bool(db.session.scalar(
        select(TurfCut.id).filter_by(organization_id=organization_id, name=DEMO_CUT).limit(1)
    ))  # fmt: skip


@cache
def demo_password_hash(password: str) -> str:
    """The demo accounts' password, hashed once for all of them in a process (a hash costs
    a fifth of a second of CPU, on purpose; the demo has eleven accounts)."""
    return hash_password(password)


def demo_canvassers(organization_id: int, password: str) -> list[User]:
    """The campaign's canvasser logins, the demo's five made if missing, in a fixed order."""
    organization = db.session.get(Organization, organization_id)
    taken = set(db.session.scalars(select(User.email).where(
        User.email.in_([email for email, _ in CANVASSERS]))))  # fmt: skip
    missing = [(email, name) for email, name in CANVASSERS if email not in taken]
    shared = demo_password_hash(password) if missing else ""
    for email, name in missing:
        create_user(organization, email=email, name=name, role=Role.CANVASSER,
                    password=password, password_hash=shared)  # fmt: skip
    return list(db.session.scalars(
        select(User).where(User.organization_id == organization_id,
                           User.role == Role.CANVASSER).order_by(User.id).limit(6)
    ))  # fmt: skip


def load_demo_field(organization_id: int, seed: int, today: date, password: str) -> DemoField:
    """Turfs, lists and five weeks of knocks up to yesterday (``today`` in the campaign's
    zone); made once: with the demo's cut in place it adds nothing."""
    ward = db.session.scalar(
        select(Area.id).filter_by(organization_id=organization_id, kind="ward").order_by(Area.id)
    )
    if ward is None or has_field(organization_id):
        return field_figures(organization_id)
    actor = Actor.system(organization_id, "cli:demo")
    commit_cut(actor, CutSpec(target=60, area_ids=(ward,), respect=("precinct",)), DEMO_CUT)
    canvassers = demo_canvassers(organization_id, password)
    start = today - timedelta(weeks=WEEKS)
    rng = random.Random(seed)  # noqa: S311 - the same demo every time, not a secret
    plans = _hand_out(actor, organization_id, canvassers, start, rng)
    by_id = {user.id: user for user in canvassers}
    rejected = 0
    for user_id, records in planned_batches(organization_id, plans, list(by_id), start, today,
                                            seed):  # fmt: skip
        # Received when the phone found signal: some minutes after its last door.
        at = max(datetime.fromisoformat(r["client_at"]) for r in records) + SYNCED_AFTER
        outcomes = sync_batch(Actor.of(by_id[user_id]), f"demo-phone-{user_id}", records,
                              received_at=at.astimezone(UTC))  # fmt: skip
        rejected += sum(o.status == "rejected" for o in outcomes)
    if rejected:  # a bug in the plan: the figures will say so, the demo still loads
        logger.warning("demo: %s planned knocks were rejected by the sync", rejected)
    _close_first_waves(plans, today)
    _backdate(organization_id, [p.walk_list_id for p in plans])
    return field_figures(organization_id)


Batches = list[tuple[int, list[dict]]]


def planned_batches(organization_id: int, plans: list[ListPlan], user_ids: list[int],
                    start: date, today: date, seed: int) -> Batches:  # fmt: skip
    """Every knock of the plan as the phones send them: (canvasser, records) per batch, a
    phone syncing when it finds signal again, after a shift or two. The same seed and lists
    give the same batches, to the record's UUID."""
    rng = random.Random(f"{seed}:doors")  # noqa: S311 - the same demo every time
    zone = campaign_zone(organization_id)
    leans = precinct_leans(_precincts(organization_id), rng)
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"doorstep-demo:{organization_id}:{seed}")
    batches: Batches = []
    pending: dict[int, list[dict]] = {user_id: [] for user_id in user_ids}
    for (day, start_hour, hours), user_id, plan in _shifts(plans, user_ids, start, today):
        records = [
            {**k.record, "walk_list_id": plan.walk_list_id,
             "uuid": str(uuid.uuid5(namespace, f"{k.record['uuid']}:{plan.walk_list_id}"))}
            for k in walk(plan, day, start_hour, hours, zone, rng, leans, "k")
        ]  # fmt: skip
        if len(pending[user_id]) + len(records) > BATCH:
            batches.append((user_id, pending[user_id]))
            pending[user_id] = []
        pending[user_id].extend(records)
    return batches + [(user_id, records) for user_id, records in pending.items() if records]


def list_plans(organization_id: int) -> list[ListPlan]:
    """The demo's lists as they were handed out (read back): their knocks planned afresh."""
    rows = db.session.execute(
        select(WalkList.id, WalkListAssignment.user_id, WalkList.created_at)
        .join(WalkListAssignment, WalkListAssignment.walk_list_id == WalkList.id)
        .join(Turf, Turf.id == WalkList.turf_id)
        .join(TurfCut, TurfCut.id == Turf.cut_id)
        .where(WalkList.organization_id == organization_id, TurfCut.name == DEMO_CUT)
        .order_by(WalkList.id)
    )
    return [ListPlan(list_id, user_id, made.date(), _stops(list_id))
            for list_id, user_id, made in rows]  # fmt: skip


def _precincts(organization_id: int) -> list[str]:
    return list(db.session.scalars(
        select(Area.code).filter_by(organization_id=organization_id, kind="precinct")
    ))  # fmt: skip


def _hand_out(actor: Actor, organization_id: int, canvassers: list[User], start: date,
              rng: random.Random) -> list[ListPlan]:  # fmt: skip
    """A list on each of the busiest turfs, wave by wave, each to one canvasser."""
    turfs = list(db.session.scalars(
        select(Turf).filter_by(organization_id=organization_id, status=TurfStatus.ACTIVE)
        .where(Turf.target_count > 0).order_by(Turf.target_count.desc(), Turf.id)
        .limit(len(WAVES) * LISTS_PER_WAVE)
    ))  # fmt: skip
    rng.shuffle(turfs)
    plans = []
    for n, turf in enumerate(turfs):
        wave = n // LISTS_PER_WAVE
        canvasser = canvassers[n % len(canvassers)]
        walk_list = create_turf_list(actor, turf, Search(organization_id, {}),
                                     assignee_ids=[canvasser.id],
                                     expires_at=datetime.now(UTC) + timedelta(days=21))  # fmt: skip
        handed = start + timedelta(days=WAVES[wave])
        made = datetime.combine(handed, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
        for sql in (
            "UPDATE walk_lists SET created_at = :at, updated_at = :at WHERE id = :id",
            "UPDATE walk_list_assignments SET assigned_at = :at WHERE walk_list_id = :id",
        ):
            db.session.execute(text(sql), {"at": made, "id": walk_list.id})
        db.session.expire(walk_list)
        plans.append(ListPlan(walk_list.id, canvasser.id, handed, _stops(walk_list.id)))
    return plans


def _stops(walk_list_id: int) -> list[Stop]:
    precinct = (
        select(Area.code)
        .where(Area.id == func.any(Address.area_ids), Area.kind == "precinct")
        .limit(1)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(WalkListStop.household_id, precinct, func.ST_X(Address.point),
               func.ST_Y(Address.point),
               func.array_agg(WalkListPerson.person_id).filter(WalkListPerson.is_target))
        .join(Address, Address.id == WalkListStop.address_id)
        .outerjoin(WalkListPerson, WalkListPerson.stop_id == WalkListStop.id)
        .where(WalkListStop.walk_list_id == walk_list_id)
        .group_by(WalkListStop.id, Address.id)
        .order_by(WalkListStop.position)
    )  # fmt: skip
    return [
        Stop(household, code or "", lon, lat, tuple(sorted(p for p in targets or () if p)))
        for household, code, lon, lat, targets in rows
    ]


def _shifts(plans: list[ListPlan], user_ids: list[int], start: date, today: date):
    """(shift, canvasser, list) in time order: each shift on the canvasser's oldest list with
    doors left that was handed out by then."""
    shifts = []
    for index, user_id in enumerate(user_ids):
        for shift in shift_days(start, today - timedelta(days=1), index):
            shifts.append((shift, user_id))
    shifts.sort(key=lambda item: (item[0][0], item[0][1], item[1]))
    for shift, user_id in shifts:
        mine = [p for p in plans if p.user_id == user_id and p.starts_on <= shift[0]
                and len(p.done) < len(p.stops)]  # fmt: skip
        if mine:
            yield shift, user_id, mine[0]


def _close_first_waves(plans: list[ListPlan], today: date) -> None:
    """The lists of the earlier waves are done and closed; the last wave's are still out."""
    last_wave = max(p.starts_on for p in plans) if plans else today
    for plan in plans:
        if plan.starts_on < last_wave:
            walk_list = db.session.get(WalkList, plan.walk_list_id)
            close(walk_list)
            closed = datetime.combine(plan.starts_on + timedelta(days=11), datetime.min.time(),
                                      tzinfo=UTC) + timedelta(hours=22)  # fmt: skip
            walk_list.closed_at = closed
    db.session.flush()


def _backdate(organization_id: int, list_ids: list[int]) -> None:
    """The batches as a phone sends them: a second before they were received, its clock
    right (the sync stamped the knocks, histories and batches with the time each was
    received)."""
    db.session.execute(text("""
        UPDATE sync_batches s SET sent_at = s.received_at - interval '1 second',
               clock_offset_s = 0
        WHERE s.id IN (SELECT DISTINCT sync_batch_id FROM door_knocks
                       WHERE organization_id = :org AND walk_list_id = ANY(:lists))"""),
        {"org": organization_id, "lists": list_ids})  # fmt: skip


def field_figures(organization_id: int) -> DemoField:
    def count(stmt) -> int:
        return db.session.scalar(stmt) or 0

    return DemoField(
        turfs=count(select(func.count()).select_from(Turf).where(
            Turf.organization_id == organization_id, Turf.status == TurfStatus.ACTIVE)),
        lists=count(select(func.count()).select_from(WalkList).where(
            WalkList.organization_id == organization_id)),
        knocks=count(text("SELECT count(*) FROM door_knocks WHERE organization_id = :org")
                     .bindparams(org=organization_id)),
        canvassers=count(text("SELECT count(DISTINCT user_id) FROM door_knocks "
                              "WHERE organization_id = :org").bindparams(org=organization_id)),
    )  # fmt: skip
