"""API keys endpoints (admins): list, create (the secret shown once), revoke."""

from flask.views import MethodView
from flask_smorest import Blueprint

from app.apikeys import operations, queries
from app.apikeys.schemas import ApiKeyCreatedSchema, ApiKeyCreateSchema, ApiKeySchema
from app.auth.access import current_actor, require
from app.auth.permissions import Permission

blp = Blueprint(
    "api_keys", __name__, url_prefix="/api/v1", description="API keys of integrations (OSDI)"
)


@blp.route("/api-keys")
class ApiKeysView(MethodView):
    @require(Permission.API_KEYS_MANAGE)
    @blp.response(200, ApiKeySchema(many=True))
    def get(self):
        """The campaign's API keys (never their secrets), newest first."""
        return queries.list_api_keys(current_actor().organization_id)

    @require(Permission.API_KEYS_MANAGE)
    @blp.arguments(ApiKeyCreateSchema)
    @blp.response(201, ApiKeyCreatedSchema)
    def post(self, fields):
        """A new key: its secret is in this answer and never again."""
        key, secret = operations.create_api_key(current_actor(), **fields)
        key.key = secret
        return key


@blp.route("/api-keys/<id:api_key_id>/revoke", methods=["POST"])
@require(Permission.API_KEYS_MANAGE)
@blp.response(200, ApiKeySchema)
def revoke_api_key(api_key_id):
    """Stop the key working at once."""
    key = queries.get_api_key(current_actor().organization_id, api_key_id)
    return operations.revoke_api_key(key)
