"""Import endpoints: upload a file as a background job, watch it, download its rejects."""

from flask import Response, current_app, request, stream_with_context
from flask.views import MethodView
from flask_smorest import Blueprint

from app.auth.access import current_actor, current_user, require
from app.auth.permissions import Permission
from app.core.errors import PermissionDenied, ValidationError
from app.core.pagination import page_schema
from app.imports import operations, queries
from app.imports.models import ImportKind
from app.imports.schemas import (
    ImportCreateSchema,
    ImportFileSchema,
    ImportJobSchema,
    ImportListArgsSchema,
    ImportMappingSchema,
)

blp = Blueprint(
    "imports", __name__, url_prefix="/api/v1", description="Voter files, history, areas, points"
)


@blp.before_request
def _allow_large_uploads():
    # Only the upload endpoint takes files bigger than DOORSTEP_MAX_REQUEST_MB; a body over
    # DOORSTEP_MAX_UPLOAD_MB is refused with 413 before it is read.
    if request.endpoint == "imports.ImportsView" and request.method == "POST":
        request.max_content_length = current_app.config["DOORSTEP_MAX_UPLOAD_MB"] * 1024 * 1024


def _dump(job):
    return {
        **job.__dict__,
        **queries.job_progress(job),
        "rejects_url": f"/api/v1/imports/{job.id}/rejects.csv",
    }


def _check_money(kind: ImportKind, permission: Permission = Permission.DONATIONS_EDIT) -> None:
    """Donation imports also need the money permission (docs/money.md)."""
    if kind == ImportKind.DONATIONS and not current_user().can(permission):
        raise PermissionDenied(f"Your role may not do this with donations ({permission}).")


@blp.route("/imports")
class ImportsView(MethodView):
    @require(Permission.IMPORTS_RUN)
    @blp.arguments(ImportListArgsSchema, location="query")
    @blp.response(200, page_schema(ImportJobSchema))
    def get(self, args):
        """Imports of the campaign, newest first."""
        page = queries.list_jobs(current_user().organization_id, args)
        page.items = [_dump(job) for job in page.items]
        return page

    @require(Permission.IMPORTS_RUN)
    @blp.arguments(ImportCreateSchema, location="form")
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(202, ImportJobSchema)
    def post(self, form, files):
        """Upload a file (multipart ``file``) and queue its import; poll the job for progress."""
        upload = files["file"]
        if not getattr(upload, "filename", None):
            raise ValidationError(
                "Attach the file as the multipart part 'file'.", fields={"file": "missing"}
            )
        _check_money(form["kind"])
        job = operations.queue_import(current_actor(), upload.stream, upload.filename, form)
        return _dump(job)


@blp.route("/imports/<id:job_id>")
class ImportView(MethodView):
    @require(Permission.IMPORTS_RUN)
    @blp.response(200, ImportJobSchema)
    def get(self, job_id):
        """One import: status, phase, rows read, rows/s, percent, ETA, rejects so far."""
        return _dump(queries.get_job(current_user().organization_id, job_id))


@blp.route("/imports/<id:job_id>/rejects.csv", methods=["GET"])
@require(Permission.IMPORTS_RUN)
@blp.response(
    200,
    {"type": "string"},
    content_type="text/csv",
    description="line, column, reason, value of each rejected row",
)
def import_rejects(job_id):
    """The rejects report of an import."""
    job = queries.get_job(current_user().organization_id, job_id)
    _check_money(job.kind, Permission.DONATIONS_READ)  # a rejected gift's row is a donor's
    return Response(
        stream_with_context(queries.iter_rejects_csv(job.id)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="import-{job.id}-rejects.csv"'},
    )


@blp.route("/import-mappings")
class MappingsView(MethodView):
    @require(Permission.IMPORTS_RUN)
    @blp.response(200, ImportMappingSchema(many=True))
    def get(self):
        """Saved column mappings for voter files in no built-in layout."""
        return queries.list_mappings(current_user().organization_id)

    @require(Permission.IMPORTS_RUN)
    @blp.arguments(ImportMappingSchema)
    @blp.response(201, ImportMappingSchema)
    def post(self, fields):
        """Save a mapping; import with ``layout`` = its name."""
        return operations.create_mapping(current_actor(), fields)


@blp.route("/import-mappings/<id:mapping_id>")
class MappingView(MethodView):
    @require(Permission.IMPORTS_RUN)
    @blp.response(200, ImportMappingSchema)
    def get(self, mapping_id):
        """One saved mapping."""
        return queries.get_mapping(current_user().organization_id, mapping_id)

    @require(Permission.IMPORTS_RUN)
    @blp.response(204)
    def delete(self, mapping_id):
        """Delete a saved mapping (imports made with it are kept)."""
        operations.delete_mapping(queries.get_mapping(current_user().organization_id, mapping_id))
