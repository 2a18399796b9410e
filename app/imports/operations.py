"""Verbs of the imports API: accept an upload as a queued job, save and delete mappings."""

from __future__ import annotations

import uuid
from typing import IO, Any

from werkzeug.utils import secure_filename

from app.audit.operations import describe_changes, record_audit
from app.core.actor import Actor
from app.core.errors import Conflict
from app.extensions import db
from app.imports.jobs import create_job
from app.imports.models import ImportJob, ImportKind, ImportMapping
from app.imports.uploads import upload_dir


def queue_import(actor: Actor, stream: IO[bytes], filename: str, form: dict[str, Any]) -> ImportJob:
    """Save the upload and queue its job; the worker (``doorstep worker``) runs it."""
    kind: ImportKind = form["kind"]
    name = secure_filename(filename) or "upload"
    path = upload_dir() / f"{actor.organization_id}-{uuid.uuid4().hex}-{name}"
    with open(path, "wb") as out:
        while chunk := stream.read(1024 * 1024):
            out.write(chunk)
    options: dict[str, Any] = {}
    if kind == ImportKind.VOTERS:
        options = {"full_file": form["full_file"]}
        if form.get("elections") is not None:
            options["elections"] = form["elections"]
    elif kind == ImportKind.AREAS:
        options = {
            "kind": form["area_kind"].strip().lower(),
            "code_field": form.get("code_field"),
            "name_field": form.get("name_field"),
        }
    elif kind == ImportKind.STREETS:
        options = {
            "key_field": form.get("key_field"),
            "name_field": form.get("name_field"),
            "barrier": form.get("barrier", False),
        }
    job = create_job(
        actor.organization_id,
        kind,
        path,
        filename=filename or name,
        layout=form.get("layout", ""),
        options=options,
        user_id=actor.user_id,
    )
    record_audit("import.queue", entity=job, changes={"kind": kind.value, "file": job.filename})
    return job


def create_mapping(actor: Actor, fields: dict[str, Any]) -> ImportMapping:
    if db.session.scalar(
        db.select(ImportMapping.id).filter_by(
            organization_id=actor.organization_id, name=fields["name"]
        )
    ):
        raise Conflict(
            "A mapping with this name exists.", code="mapping_exists", fields={"name": "taken"}
        )
    mapping = ImportMapping(
        organization_id=actor.organization_id, created_by_id=actor.user_id, **fields
    )
    db.session.add(mapping)
    changes = describe_changes(mapping)
    db.session.flush()
    record_audit("import_mapping.create", entity=mapping, changes=changes)
    return mapping


def delete_mapping(mapping: ImportMapping) -> None:
    record_audit("import_mapping.delete", entity=mapping, changes={"name": mapping.name})
    db.session.delete(mapping)
    db.session.flush()
