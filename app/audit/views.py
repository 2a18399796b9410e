from flask_smorest import Blueprint

from app.audit.queries import list_audit_events
from app.audit.schemas import AuditEventSchema, AuditQueryArgsSchema
from app.auth.access import current_user, require
from app.auth.permissions import Permission
from app.core.pagination import page_schema

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Audit trail")


@blp.route("", methods=["GET"])
@require(Permission.AUDIT_READ)
@blp.arguments(AuditQueryArgsSchema, location="query")
@blp.response(200, page_schema(AuditEventSchema))
def list_events(args):
    """Who changed what, when, from where; newest first."""
    return list_audit_events(current_user().organization_id, args)
