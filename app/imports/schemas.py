"""What goes in and out of the imports API."""

from __future__ import annotations

import codecs

import marshmallow as ma

from app.core.pagination import PageArgsSchema, sort_field
from app.core.reading import FileRefused
from app.core.schemas import StrictSchema
from app.donations.mapping import check_mapping
from app.imports.dates import DATE_FORMATS
from app.imports.election_map import read_election_map
from app.imports.layouts import BUILT_IN_LAYOUTS, CANONICAL_FIELDS, REQUIRED_FIELDS
from app.imports.models import ImportKind, JobStatus, MappingKind
from app.imports.queries import JOB_SORTS


class ImportCreateSchema(StrictSchema):
    """The form fields of an upload (the file itself is the ``file`` part)."""

    kind = ma.fields.Enum(ImportKind, by_value=True, required=True)
    layout = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=80),
        metadata={
            "description": "voters: pa, nc, nc-snapshot, oh or a saved mapping's name; history:"
            " nc; donations: actblue or a saved donation mapping's name"
        },
    )
    elections = ma.fields.String(
        load_default=None,
        metadata={
            "description": "voters, pa layout: the election map, as JSON text or the text of"
            " the state's Election Map file"
        },
    )
    full_file = ma.fields.Boolean(
        load_default=True,
        metadata={"description": "voters: mark people missing from this file as off file"},
    )
    area_kind = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=30))
    code_field = ma.fields.String(load_default=None, validate=ma.validate.Length(max=80))
    name_field = ma.fields.String(load_default=None, validate=ma.validate.Length(max=80))
    key_field = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=80),
        metadata={"description": "streets: the property holding each segment's id"},
    )
    barrier = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "streets: every line of this file is a barrier (rail, river)"},
    )

    @ma.validates_schema
    def _check(self, data, **kwargs):
        kind = data["kind"]
        if kind == ImportKind.VOTERS and not data["layout"]:
            raise ma.ValidationError("Name the file's layout.", "layout")
        if kind == ImportKind.DONATIONS and not data["layout"]:
            raise ma.ValidationError("Name the format: actblue or a donation mapping.", "layout")
        if kind == ImportKind.HISTORY and data["layout"] != "nc":
            raise ma.ValidationError("Vote-history files: layout nc.", "layout")
        if kind == ImportKind.AREAS and not data["area_kind"]:
            raise ma.ValidationError("Say what the areas are (precinct, ward ...).", "area_kind")
        if data["elections"] is not None:
            try:
                elections = read_election_map(data["elections"])
            except FileRefused as exc:
                raise ma.ValidationError(exc.message, "elections") from exc
            if not isinstance(elections, dict):
                raise ma.ValidationError("Expected an object.", "elections")
            data["elections"] = elections


class ImportFileSchema(StrictSchema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ImportJobSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.Enum(ImportKind, by_value=True)
    layout = ma.fields.String()
    filename = ma.fields.String()
    status = ma.fields.Enum(JobStatus, by_value=True)
    phase = ma.fields.String()
    file_size = ma.fields.Integer()
    bytes_read = ma.fields.Integer()
    rows_read = ma.fields.Integer()
    rows_inserted = ma.fields.Integer(metadata={"description": "Loaded (new)"})
    rows_updated = ma.fields.Integer()
    rows_unchanged = ma.fields.Integer()
    rows_rejected = ma.fields.Integer()
    rows_removed = ma.fields.Integer(metadata={"description": "No longer on the file"})
    percent = ma.fields.Float(
        allow_none=True,
        metadata={"description": "Done so far: a voter import counts its phases, others bytes"},
    )
    phase_number = ma.fields.Integer(
        allow_none=True, metadata={"description": "A voter import's phase: 1 to phase_count"}
    )
    phase_count = ma.fields.Integer(allow_none=True)
    rows_per_second = ma.fields.Float(allow_none=True)
    eta_seconds = ma.fields.Float(allow_none=True)
    summary = ma.fields.Dict()
    error = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    rejects_url = ma.fields.String()


class ImportListArgsSchema(PageArgsSchema):
    kind = ma.fields.Enum(ImportKind, by_value=True)
    status = ma.fields.Enum(JobStatus, by_value=True)
    sort = sort_field(JOB_SORTS)


class ImportMappingSchema(StrictSchema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(
        required=True,
        validate=[
            ma.validate.Length(min=1, max=80),
            ma.validate.NoneOf(
                [*BUILT_IN_LAYOUTS, "actblue"], error="That name is a built-in layout."
            ),
            ma.validate.Regexp(r"^[A-Za-z0-9_.-]+$", error="Letters, digits, '_', '.', '-'."),
        ],
    )
    kind = ma.fields.String(
        load_default=MappingKind.VOTERS.value,
        validate=ma.validate.OneOf([kind.value for kind in MappingKind]),
        metadata={"description": "voters (a voter file) or donations (a processor's export)"},
    )
    state = ma.fields.String(
        load_default="",
        validate=ma.validate.Regexp(r"^([A-Z]{2})?$"),
        metadata={"description": "voters: the state's code (required)"},
    )
    delimiter = ma.fields.String(
        load_default=",", validate=ma.validate.OneOf([",", "\t", "|", ";"])
    )
    encoding = ma.fields.String(load_default="utf-8", validate=ma.validate.Length(max=20))
    date_format = ma.fields.String(
        load_default="MM/DD/YYYY", validate=ma.validate.OneOf(list(DATE_FORMATS))
    )
    columns = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.Length(min=1, max=40)),
        values=ma.fields.String(validate=ma.validate.Length(min=1, max=120)),
        required=True,
        metadata={
            "description": "Doorstep field -> the file's column header (voters: the voter"
            " fields; donations: app.donations.sources.SOURCE_FIELDS)"
        },
    )
    options = ma.fields.Dict(
        load_default=dict,
        metadata={
            "description": "donations: processor (required), method, conduit_name,"
            " conduit_committee_id, negative (reject or refund), time_zone"
        },
    )
    created_at = ma.fields.DateTime(dump_only=True)

    @ma.validates("encoding")
    def _encoding(self, value, **kwargs):
        try:
            codecs.lookup(value)
        except LookupError as exc:
            raise ma.ValidationError("Unknown encoding.") from exc

    @ma.validates_schema
    def _by_kind(self, data, **kwargs):
        if data.get("kind") == MappingKind.DONATIONS:
            problems = check_mapping(data.get("columns", {}), data.get("options", {}))
            if problems:
                raise ma.ValidationError(problems)
            return
        if data.get("options"):
            raise ma.ValidationError("Voter mappings take no options.", "options")
        if not data.get("state"):
            raise ma.ValidationError("Give the state's two-letter code.", "state")
        self._voter_columns(data.get("columns", {}))

    def _voter_columns(self, value):
        unknown = sorted(set(value) - set(CANONICAL_FIELDS))
        if unknown:
            raise ma.ValidationError(f"Unknown fields: {', '.join(unknown)}.", "columns")
        missing = [name for name in REQUIRED_FIELDS if name not in value]
        if "street" not in value and "address_line" not in value:
            missing.append("street or address_line")
        if missing:
            raise ma.ValidationError(f"Map these fields: {', '.join(missing)}.", "columns")
        if ("lon" in value) != ("lat" in value):
            raise ma.ValidationError("Map both lon and lat, or neither.", "columns")


class RejectArgsSchema(StrictSchema):
    pass
