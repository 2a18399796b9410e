"""Address endpoints: the geocoding report, addresses without a point, placing a pin."""

from flask_smorest import Blueprint

from app.auth.access import current_user, require
from app.auth.permissions import Permission
from app.core.pagination import PageArgsSchema, page_schema
from app.imports.geocoding import geocode_report
from app.voters import queries
from app.voters.operations import place_address
from app.voters.schemas import AddressSchema, GeocodeReportSchema, PinSchema

blp = Blueprint("addresses", __name__, url_prefix="/api/v1", description="Homes and geocoding")


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
    return queries.unplaced_addresses(current_user().organization_id, args)


@blp.route("/addresses/<id:address_id>/point", methods=["PUT"])
@require(Permission.GEOCODE_EDIT)
@blp.arguments(PinSchema)
@blp.response(200, AddressSchema)
def put_address_point(point, address_id):
    """Place an address by hand (kept through later imports); its areas follow."""
    return place_address(current_user().organization_id, address_id, point["lon"], point["lat"])
