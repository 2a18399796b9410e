"""The API object: flask-smorest with Doorstep's error shape and an offline docs page."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, send_from_directory
from flask_smorest import Api
from flask_smorest.arguments import ArgumentsMixin
from swagger_ui_bundle import swagger_ui_path
from werkzeug.routing import IntegerConverter

from app.core.errors import ErrorSchema
from app.core.jsonbody import DoorstepParser

MAX_ID = 2**63 - 1  # PostgreSQL bigint


class IdConverter(IntegerConverter):
    """``<id:name>``: a database id; anything out of bigint range is simply not found."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)


def _id_param_schema(_converter) -> dict:
    return {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}


# webargs silently drops unknown query parameters unless told otherwise; let each schema decide
# (StrictSchema refuses them: a misspelt filter is an error, not a list of everyone). The parser
# also refuses JSON nested too deep (app.core.jsonbody).
ArgumentsMixin.ARGUMENTS_PARSER = DoorstepParser(unknown=None)


class DoorstepApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        # app.core.errors owns error handling for the whole app, API or not.
        pass

    def init_app(self, app: Flask, *, spec_kwargs=None):
        app.url_map.converters["id"] = IdConverter
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.register_converter(IdConverter, _id_param_schema)
        self.spec.components.security_scheme(
            "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
        )
        # Integrations (the OSDI API) send an API key, as Action Network's clients do.
        self.spec.components.security_scheme(
            "osdiApiToken", {"type": "apiKey", "in": "header", "name": "OSDI-API-Token"}
        )
        app.register_blueprint(docs_blueprint)


# Swagger UI served from the pinned swagger-ui-bundle package: no CDN, works offline.
docs_blueprint = Blueprint(
    "api_docs",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/api/docs/static",
)


@docs_blueprint.get("/api/docs")
def api_docs_page():
    return render_template("api_docs.html")


@docs_blueprint.get("/api/docs/assets/<path:filename>")
def api_docs_asset(filename: str):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
