"""Input schemas are strict: an empty PATCH is refused, and a boolean is JSON true or false.

The endpoints come from the app's url_map and their fields from its OpenAPI document, so an
endpoint added later is covered without being named here.
"""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.auth.permissions import Role
from tests.conftest import TEST_CONFIG
from tests.core.test_errors import assert_error_shape
from tests.factories import auth_headers, create_user

# Collected without a database: create_app runs no SQL.
_APP = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "postgresql://collect/only"})


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def _url(rule: str) -> str:
    # Any id: the body is read before the record is looked up.
    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "999999", rule)


def _body_schema(spec: dict, path: str, method: str) -> dict:
    operation = spec["paths"][_openapi_path(path)][method]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


with _APP.app_context():
    _SPEC = _APP.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()

PATCH_RULES = sorted(
    rule.rule
    for rule in _APP.url_map.iter_rules()
    if "PATCH" in rule.methods and rule.rule.startswith("/api/")
)
#: (method, rule, field) for every boolean field of every JSON body, PATCH or not.
BOOLEAN_FIELDS = sorted(
    (method, rule.rule, name)
    for rule in _APP.url_map.iter_rules()
    if rule.rule.startswith("/api/")
    for method in ("post", "put", "patch")
    if method.upper() in rule.methods
    and "application/json"
    in _SPEC["paths"]
    .get(_openapi_path(rule.rule), {})
    .get(method, {})
    .get("requestBody", {})
    .get("content", {})
    for name, prop in _body_schema(_SPEC, rule.rule, method).get("properties", {}).items()
    if prop.get("type") == "boolean" and not prop.get("readOnly")
)


def test_the_lists_are_not_empty():
    assert len(PATCH_RULES) >= 10
    assert ("patch", "/api/v1/users/<id:user_id>", "is_active") in BOOLEAN_FIELDS


@pytest.fixture
def admin(db_session):
    return create_user(role=Role.ADMIN)


@pytest.mark.parametrize("rule", PATCH_RULES)
@pytest.mark.parametrize("body", [{"json": {}}, {}], ids=["empty object", "no body"])
def test_an_empty_patch_is_refused(client, admin, rule, body):
    response = client.patch(_url(rule), headers=auth_headers(admin), **body)
    error = assert_error_shape(response, 422, "nothing_to_change")
    assert error["fields"] == {"_schema": ["Nothing to change: give at least one field."]}


@pytest.mark.parametrize(("method", "rule", "field"), BOOLEAN_FIELDS)
@pytest.mark.parametrize("value", [0, 1, "true", "yes"])
def test_a_boolean_is_json_true_or_false(client, admin, method, rule, field, value):
    response = client.open(_url(rule), method=method.upper(), json={field: value},
                           headers=auth_headers(admin))  # fmt: skip
    error = assert_error_shape(response, 422, "validation_error")
    assert error["fields"][field] == ["Must be true or false."]


def _argument_schemas():
    for rule in _APP.url_map.iter_rules():
        view = _APP.view_functions[rule.endpoint]
        cls = getattr(view, "view_class", None)
        functions = [getattr(cls, m.lower()) for m in rule.methods if hasattr(cls, m.lower())] \
            if cls else [view]  # fmt: skip
        for function in functions:
            for parameter in (
                getattr(function, "_apidoc", {}).get("arguments", {}).get("parameters", [])
            ):
                location = parameter.get("in") or parameter.get("location")
                yield rule.rule, location, parameter["schema"]


def test_every_input_schema_is_strict():
    from app.core.schemas import StrictSchema

    found = list(_argument_schemas())
    assert len(found) > 50
    classes = [(r, loc, s if isinstance(s, type) else type(s)) for r, loc, s in found]
    loose = {(rule, location, cls.__name__) for rule, location, cls in classes
             if not issubclass(cls, StrictSchema)}  # fmt: skip
    # OSDI's clients send whole documents and extra parameters, which OSDI asks servers to
    # ignore (app/osdi/http.py); what those routes read is checked field by field
    # (tests/osdi/test_osdi_api.py posts odd bodies to each of them).
    osdi = {entry for entry in loose if entry[0].startswith("/api/osdi/v1/")}
    assert {cls for _, _, cls in osdi} == {"OsdiPageArgsSchema", "OsdiBodySchema"}
    assert loose - osdi == set()
