"""Address endpoints: the geocoding report, addresses without a point, placing a pin."""

import marshmallow as ma
from flask_smorest import Blueprint
from sqlalchemy import select

from app.auth.access import current_user, require
from app.auth.permissions import Permission
from app.core.pagination import PageArgsSchema, page_schema, paginate
from app.core.schemas import StrictSchema
from app.imports.geocoding import geocode_report
from app.people.schemas import PointSchema
from app.voters.models import Address
from app.voters.operations import place_address

blp = Blueprint("addresses", __name__, url_prefix="/api/v1", description="Homes and geocoding")


class AddressSchema(ma.Schema):
    id = ma.fields.Integer()
    line = ma.fields.String()
    city = ma.fields.String()
    state = ma.fields.String()
    zip = ma.fields.String()
    point = ma.fields.Nested(PointSchema, allow_none=True)
    geocode_source = ma.fields.String(allow_none=True)
    geocode_quality = ma.fields.String(allow_none=True)


class GeocodeReportSchema(ma.Schema):
    addresses = ma.fields.Integer()
    placed = ma.fields.Integer()
    unplaced = ma.fields.Integer()
    placed_rate = ma.fields.Float()
    from_file = ma.fields.Integer()
    from_address_points = ma.fields.Integer()
    by_hand = ma.fields.Integer()


class PinSchema(StrictSchema):
    lon = ma.fields.Float(required=True, validate=ma.validate.Range(min=-180, max=180))
    lat = ma.fields.Float(required=True, validate=ma.validate.Range(min=-90, max=90))


@blp.route("/geocoding", methods=["GET"])
@require(Permission.AREAS_READ)
@blp.response(200, GeocodeReportSchema)
def geocoding_report():
    """How many addresses have a point, by source (file, address points, by hand)."""
    return geocode_report(current_user().organization_id)


@blp.route("/addresses/unplaced", methods=["GET"])
@require(Permission.GEOCODE_EDIT)
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(AddressSchema))
def unplaced_addresses(args):
    """Addresses neither the file nor the address points could place: pin them by hand."""
    stmt = select(Address).where(
        Address.organization_id == current_user().organization_id, Address.point.is_(None)
    )
    return paginate(stmt, args, sortable={}, default_order=[Address.street, Address.id])


@blp.route("/addresses/<id:address_id>/point", methods=["PUT"])
@require(Permission.GEOCODE_EDIT)
@blp.arguments(PinSchema)
@blp.response(200, AddressSchema)
def put_address_point(point, address_id):
    """Place an address by hand (kept through later imports); its areas follow."""
    return place_address(current_user().organization_id, address_id, point["lon"], point["lat"])
