"""Money endpoints (/api/v1/donations/..., /api/v1/people/<id>/giving): elections and the
committee, the ledger and its corrections, the review queue, flags, deposit batches, a
person's giving (the campaign's totals: GET /fundraising/totals).
Amounts are for donations.read; directors read totals only (donations.totals)."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.audit.reads import record_bulk_read
from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.core.errors import NotFound, ValidationError
from app.core.pagination import page_schema
from app.donations import committee, corrections, desk, figures, flags, operations, queries
from app.donations.models import EntryKind, FlagStatus
from app.donations.responses import (
    CommitteeSettingsSchema,
    DepositBatchSchema,
    DonationDetailSchema,
    DonationSchema,
    ElectionSchema,
    FlagRowSchema,
    GivingSchema,
    ReviewItemSchema,
)
from app.donations.schemas import (
    AssignDonorSchema,
    CommitteeUpdateSchema,
    DepositBatchAddSchema,
    DepositBatchInSchema,
    DepositBatchListArgsSchema,
    DonationListArgsSchema,
    ElectionInSchema,
    FlagListArgsSchema,
    FlagReviewSchema,
    HandDonationSchema,
    JointDonationSchema,
    ReattributeSchema,
    RedesignateSchema,
    RefundSchema,
    ReviewArgsSchema,
    VoidSchema,
)
from app.events.queries import get_event
from app.people.queries import get_person

blp = Blueprint(
    "donations", __name__, url_prefix="/api/v1", description="Money: donors, donations, compliance"
)


def _org() -> int:
    return current_user().organization_id


def _detail(donation_id: int):
    return queries.donation_detail(_org(), donation_id)


def _read(page, args) -> dict:
    """What the audit keeps of a page of people's money (a bulk read)."""
    return {"filter": args, "rows": len(page.items), "entity_type": "donations",
            "total": page.total}  # fmt: skip


@blp.route("/donations/elections")
class Elections(MethodView):
    @require(Permission.DONATIONS_TOTALS)
    @blp.response(200, ElectionSchema(many=True))
    def get(self):
        """The elections gifts are designated to (P2026, G2026 ...), with their limits."""
        return committee.list_elections(_org())

    @require(Permission.COMPLIANCE_MANAGE)
    @blp.arguments(ElectionInSchema)
    @blp.response(201, ElectionSchema)
    def post(self, body):
        """Add one: kind and date; name, cycle and limit ($3,500) default (409 if it exists)."""
        return committee.add_election(current_actor(), body)


@blp.route("/donations/committee")
class Committee(MethodView):
    @require(Permission.DONATIONS_READ)
    @blp.response(200, CommitteeSettingsSchema)
    def get(self):
        """The committee and the limits its money follows (the federal defaults until set)."""
        return committee.committee_settings(_org())

    @require(Permission.COMPLIANCE_MANAGE)
    @blp.arguments(CommitteeUpdateSchema)
    @blp.response(200, CommitteeSettingsSchema)
    def patch(self, changes):
        """Change the committee's details or limits (later gifts are checked against them)."""
        return committee.update_committee_settings(current_actor(), changes)


@blp.route("/donations")
class Donations(MethodView):
    @require(Permission.DONATIONS_READ)
    @blp.arguments(DonationListArgsSchema, location="query")
    @blp.response(200, page_schema(DonationSchema))
    def get(self, args):
        """The ledger: contributions and their corrections, newest received first, filtered
        by dates, election, method, kind, person, batch, source, flags, the review queue."""
        page = queries.list_donations(_org(), args)
        if page.items:
            record_bulk_read("donations.list", **_read(page, args))
        return page

    @require(Permission.DONATIONS_EDIT)
    @blp.arguments(HandDonationSchema)
    @blp.response(201, DonationDetailSchema)
    def post(self, body):
        """Record a check, cash, in-kind gift or wire typed at the desk: checked against the
        limits and rules at once (its flags come back with it)."""
        if body.get("event_id"):
            _event_exists(body["event_id"])
        return _detail(desk.record_by_hand(current_actor(), body).id)


def _event_exists(event_id: int) -> None:
    try:
        get_event(_org(), event_id)
    except NotFound:
        raise ValidationError(
            "No such event.", fields={"event_id": [f"No event {event_id}."]}
        ) from None


@blp.route("/donations/joint", methods=["POST"])
@require(Permission.DONATIONS_EDIT)
@blp.arguments(JointDonationSchema)
@blp.response(201, DonationSchema(many=True))
def record_joint(body):
    """One check signed by several people: a contribution per signer, each their share."""
    made = desk.record_joint_by_hand(current_actor(), body)
    return queries.rows_of(made, in_list=False)


@blp.route("/donations/<id:donation_id>", methods=["GET"])
@require(Permission.DONATIONS_READ)
@blp.response(200, DonationDetailSchema)
def get_donation(donation_id):
    """One entry with its flags, its corrections and what is left of it."""
    return _detail(donation_id)


@blp.route("/donations/<id:donation_id>/refund", methods=["POST"])
@require(Permission.DONATIONS_EDIT)
@blp.arguments(RefundSchema)
@blp.response(201, DonationDetailSchema)
def refund(body, donation_id):
    """Give back part or all of a contribution (or record a chargeback): its own entry."""
    donation = operations.get_donation(_org(), donation_id)
    entry, _ = corrections.refund_donation(
        current_actor(), donation, body["amount_cents"], body["on"],
        kind=EntryKind(body["kind"]), reason=body["reason"] or "",
    )  # fmt: skip
    return _detail(entry.id)


@blp.route("/donations/<id:donation_id>/redesignate", methods=["POST"])
@require(Permission.DONATIONS_EDIT)
@blp.arguments(RedesignateSchema)
@blp.response(201, DonationDetailSchema)
def redesignate(body, donation_id):
    """Move part of a contribution to another election (the donor's written redesignation);
    answers the contribution with the two entries among its corrections."""
    actor = current_actor()
    donation = operations.get_donation(actor.organization_id, donation_id)
    election = committee.get_election(actor.organization_id, body["election_id"])
    corrections.redesignate_donation(actor, donation, election, body["amount_cents"], body["on"])
    return _detail(donation.id)


@blp.route("/donations/<id:donation_id>/reattribute", methods=["POST"])
@require(Permission.DONATIONS_EDIT)
@blp.arguments(ReattributeSchema)
@blp.response(201, DonationDetailSchema)
def reattribute(body, donation_id):
    """Move part of a contribution to the other holder of a joint account (their written
    reattribution)."""
    actor = current_actor()
    donation = operations.get_donation(actor.organization_id, donation_id)
    person = get_person(actor.organization_id, body["person_id"], field="person_id")
    corrections.reattribute_donation(actor, donation, person, body["amount_cents"], body["on"],
                                     body["contributor"])  # fmt: skip
    return _detail(donation.id)


@blp.route("/donations/<id:donation_id>/void", methods=["POST"])
@require(Permission.DONATIONS_EDIT)
@blp.arguments(VoidSchema)
@blp.response(200, DonationDetailSchema)
def void(body, donation_id):
    """Take an entry entered by mistake out of every total; it stays, with the reason."""
    donation = operations.get_donation(_org(), donation_id)
    operations.void_donation(current_actor(), donation, body["reason"])
    return _detail(donation.id)


@blp.route("/donations/review", methods=["GET"])
@require(Permission.DONATIONS_READ)
@blp.arguments(ReviewArgsSchema, location="query")
@blp.response(200, page_schema(ReviewItemSchema))
def review_queue(args):
    """Gifts whose donor is uncertain, oldest first, each with the people who could be the
    donor and what of the gift matches them. They count towards no limit until assigned."""
    page = queries.review_queue(_org(), args)
    if page.items:
        record_bulk_read("donations.review_queue", **_read(page, args))
    return page


@blp.route("/donations/<id:donation_id>/assign", methods=["POST"])
@require(Permission.DONATIONS_EDIT)
@blp.arguments(AssignDonorSchema)
@blp.response(200, DonationDetailSchema)
def assign(body, donation_id):
    """Settle a gift of the review queue on a person (a candidate or anyone) or a new one;
    it is then checked against the limits (409 donor_settled if it was already)."""
    actor = current_actor()
    donation = operations.get_donation(actor.organization_id, donation_id)
    person = None
    if body.get("person_id"):
        person = get_person(actor.organization_id, body["person_id"], field="person_id")
    operations.assign_donor(actor, donation, person)
    return _detail(donation.id)


@blp.route("/donations/flags", methods=["GET"])
@require(Permission.COMPLIANCE_MANAGE)
@blp.arguments(FlagListArgsSchema, location="query")
@blp.response(200, page_schema(FlagRowSchema))
def list_flags(args):
    """Flags staff must act on (open or confirmed), the soonest due first, with their gifts."""
    page = queries.list_flags(_org(), args)
    if page.items:
        record_bulk_read("donation_flags.list", **_read(page, args))
    return page


@blp.route("/donations/flags/<id:flag_id>/review", methods=["POST"])
@require(Permission.COMPLIANCE_MANAGE)
@blp.arguments(FlagReviewSchema)
@blp.response(200, FlagRowSchema)
def review_flag(body, flag_id):
    """Confirm a flag (the cure is owed), clear it or mark it resolved (with a note), or open
    it again. An excess is cured by a refund, redesignation or reattribution, not cleared."""
    actor = current_actor()
    flag = flags.get_flag(actor.organization_id, flag_id)
    flags.review_flag(actor, flag, FlagStatus(body["status"]), body["note"])
    [row] = queries.rows_of([flag.donation], in_list=False)
    return queries.FlagRow(flag, row)


@blp.route("/donations/batches")
class Batches(MethodView):
    @require(Permission.DONATIONS_READ)
    @blp.arguments(DepositBatchListArgsSchema, location="query")
    @blp.response(200, page_schema(DepositBatchSchema))
    def get(self, args):
        """Deposit batches with what was entered against the slip; open ones first."""
        return figures.list_batches(_org(), args)

    @require(Permission.DONATIONS_EDIT)
    @blp.arguments(DepositBatchInSchema)
    @blp.response(201, DepositBatchSchema)
    def post(self, body):
        """Open a batch for a deposit slip: how many gifts it lists and their total."""
        return figures.batch_row(desk.open_batch(current_actor(), body))


@blp.route("/donations/batches/<id:batch_id>", methods=["GET"])
@require(Permission.DONATIONS_READ)
@blp.response(200, DepositBatchSchema)
def get_batch(batch_id):
    """A batch against its slip (its gifts: GET /donations?batch_id=)."""
    return figures.batch_row(desk.get_batch(_org(), batch_id))


@blp.route("/donations/batches/<id:batch_id>/donations", methods=["POST"])
@require(Permission.DONATIONS_EDIT)
@blp.arguments(DepositBatchAddSchema)
@blp.response(200, DepositBatchSchema)
def add_to_batch(body, batch_id):
    """Put recorded checks and cash in the batch (409 batch_closed once it is closed)."""
    actor = current_actor()
    batch = desk.get_batch(actor.organization_id, batch_id)
    return figures.batch_row(desk.add_to_batch(actor, batch, body["donation_ids"]))


@blp.route("/donations/batches/<id:batch_id>/close", methods=["POST"])
@require(Permission.DONATIONS_EDIT)
@blp.response(200, DepositBatchSchema)
def close_batch(batch_id):
    """Close the batch: only when what was entered balances the slip exactly, gifts and
    cents; else 409 batch_unbalanced naming the difference."""
    actor = current_actor()
    batch = desk.get_batch(actor.organization_id, batch_id)
    return figures.batch_row(desk.close_batch(actor, batch))


@blp.route("/people/<id:person_id>/giving", methods=["GET"])
@require(Permission.DONATIONS_READ)
@blp.response(200, GivingSchema)
def giving(person_id):
    """A person's giving: FEC details, summary, where they stand per election (what they
    may still give) and cycle (itemised or not), their latest entries."""
    return figures.giving(_org(), person_id)
