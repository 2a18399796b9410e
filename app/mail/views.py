"""Direct-mail endpoints: drops from universes, the mail house's file, recording a drop as
mailed, a piece's QR code; people's mailing addresses and do-not-mail; and ``/p/CODE``, where
a piece's code leads, on the public pages."""

from flask import Blueprint as PageBlueprint
from flask import Response, abort, stream_with_context
from flask_smorest import Blueprint

from app.audit.reads import record_bulk_read
from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.core.codes import normalise_code, qr_image
from app.core.links import redirect_out
from app.core.pagination import page_schema
from app.core.spreadsheets import csv_chunks
from app.extensions import db
from app.links.models import LinkDestination
from app.links.operations import target_url
from app.links.sources import Source, remember
from app.mail import operations, queries
from app.mail.models import MailDrop
from app.mail.schemas import (
    DoNotMailOutSchema,
    DoNotMailSchema,
    MailDropArgsSchema,
    MailDropCreateSchema,
    MailDropMailedSchema,
    MailDropSchema,
    MailingAddressOutSchema,
    MailingAddressSchema,
)
from app.people.queries import get_person
from app.universes.queries import Search, get_universe

blp = Blueprint("mail", __name__, url_prefix="/api/v1", description="Direct mail")
pages = PageBlueprint("mail_pages", __name__)


def _drop(drop_id: int) -> MailDrop:
    return queries.get_drop(current_user().organization_id, drop_id)


@blp.route("/mail-drops", methods=["GET"])
@require(Permission.MAIL_MANAGE)
@blp.arguments(MailDropArgsSchema, location="query")
@blp.response(200, page_schema(MailDropSchema))
def list_drops(args):
    """The campaign's mail drops with their results, newest first."""
    return queries.list_drops(current_user().organization_id, args)


@blp.route("/mail-drops", methods=["POST"])
@require(Permission.MAIL_MANAGE)
@blp.arguments(MailDropCreateSchema)
@blp.response(201, MailDropSchema)
def create_drop(body):
    """A draft drop from a universe: one piece per household or per person who may get post
    (mailing address preferred over home); nobody's history has it until it is mailed."""
    user = current_user()
    search = Search.of(get_universe(user.organization_id, user.id, body["universe_id"]))
    return queries.results(operations.create_drop(current_actor(), search, body))


@blp.route("/mail-drops/<id:drop_id>", methods=["GET"])
@require(Permission.MAIL_MANAGE)
@blp.response(200, MailDropSchema)
def get_drop(drop_id):
    return queries.results(_drop(drop_id))


@blp.route("/mail-drops/<id:drop_id>/mailed", methods=["POST"])
@require(Permission.MAIL_MANAGE)
@blp.arguments(MailDropMailedSchema)
@blp.response(200, MailDropSchema)
def mark_mailed(body, drop_id):
    """Record the drop (date, vendor, cost in cents): a ``mail`` interaction in the history of
    every recipient who may still get post; 409 when already recorded."""
    return queries.results(operations.mark_mailed(current_actor(), _drop(drop_id), body))


@blp.route("/mail-drops/<id:drop_id>/file.csv", methods=["GET"])
@require(Permission.MAIL_MANAGE)
@blp.response(200, {"type": "string"}, content_type="text/csv",
              description="The mail house's file, a row per piece (audited)")  # fmt: skip
def mail_file(drop_id):
    """The drop as CSV for the mail house, streamed: envelope name, salutation, address, code
    and the link its QR code holds. People suppressed since the draft are left out."""
    drop = _drop(drop_id)
    pieces, people = queries.count_pieces(drop)
    record_bulk_read("mail_drops.file", entity=drop, filter={"drop_id": drop.id}, rows=people,
                     pieces=pieces)  # fmt: skip
    db.session.flush()
    return Response(
        stream_with_context(csv_chunks(queries.FILE_COLUMNS, queries.file_rows(drop.id))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="mail-drop-{drop.id}.csv"'},
    )


@blp.route("/mail-drops/<id:drop_id>/pieces/<id:piece_id>/qr.svg", methods=["GET"])
@require(Permission.MAIL_MANAGE)
@blp.response(200, {"type": "string"}, content_type="image/svg+xml")
def piece_qr(drop_id, piece_id):
    """A piece's QR code (its response link), for a printer that takes images."""
    piece = queries.get_piece(_drop(drop_id), piece_id)
    if not piece.code:
        abort(404)
    return Response(qr_image(queries.response_url(piece.code)), mimetype="image/svg+xml")


@blp.route("/people/<id:person_id>/mailing-address", methods=["PUT"])
@require(Permission.MAIL_MANAGE)
@blp.arguments(MailingAddressSchema)
@blp.response(200, MailingAddressOutSchema)
def set_mailing_address(body, person_id):
    """Where the person wants post: every mail file prefers it to their home."""
    person = get_person(current_user().organization_id, person_id)
    return operations.set_mailing_address(person, {**body, "state": body["state"].upper()})


@blp.route("/people/<id:person_id>/mailing-address", methods=["DELETE"])
@require(Permission.MAIL_MANAGE)
@blp.response(204)
def delete_mailing_address(person_id):
    operations.set_mailing_address(get_person(current_user().organization_id, person_id), None)


@blp.route("/people/<id:person_id>/do-not-mail", methods=["PUT"])
@require(Permission.MAIL_MANAGE)
@blp.arguments(DoNotMailSchema)
@blp.response(200, DoNotMailOutSchema)
def set_do_not_mail(body, person_id):
    """Do-not-mail (a refused ``mail`` consent, kept in the consent history), or lift it."""
    person = get_person(current_user().organization_id, person_id)
    operations.set_do_not_mail(person, body["do_not_mail"])
    return {"person_id": person.id, "do_not_mail": body["do_not_mail"]}


@pages.get("/p/<code>")
def respond(code: str):
    """Where a piece's code (typed from the card, or its QR code) leads: the visit is counted
    for the piece and its addressee, then on to the drop's page with the piece remembered
    for a form that follows (gifts carry its code to the donation page)."""
    code = normalise_code(code)
    piece = queries.piece_by_code(code) if 0 < len(code) <= 12 else None
    if piece is None:
        abort(404)
    drop = db.session.get(MailDrop, piece.drop_id)
    operations.record_visit(piece)
    destination = (
        db.session.get(LinkDestination, drop.destination_id) if drop.destination_id else None
    )
    url = target_url(drop.path, destination, piece.code or "")
    return remember(redirect_out(url), Source("p", piece.id))
