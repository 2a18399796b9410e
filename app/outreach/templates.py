"""Message templates: Jinja2's sandbox, strict about missing merge fields.

Every personalised message (an email campaign, a text, a follow-up rule's message, a
thank-you letter) renders through here, so a template cannot reach Python internals and a
recipient missing a merge field is never sent "Hi ," : ``render`` raises
``MissingMergeField`` naming the field, unless the template says what to do without it
(``{{ first_name | default("friend") }}`` or ``{% if precinct %}``).

>>> render("Hi {{ first_name | default('friend') }}!", {})
'Hi friend!'
>>> sorted(merge_fields_in("{{ first_name }} in {{ precinct }}"))
['first_name', 'precinct']
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from app.core.errors import ValidationError

#: The longest template accepted (an HTML email with its styles fits well within it).
MAX_TEMPLATE_CHARS = 100_000


class TemplateInvalid(ValidationError):
    code = "template_invalid"


class MissingMergeField(ValidationError):
    """This recipient lacks a field the template uses without a default."""

    code = "merge_field_missing"


class _MissingField(StrictUndefined):
    """Strict where it would print ("Hi ,"), false where the template asks whether it is
    there (``{% if precinct %}``)."""

    def __bool__(self) -> bool:
        return False


def _environment(autoescape: bool) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        undefined=_MissingField, autoescape=autoescape, trim_blocks=True, lstrip_blocks=True
    )


_TEXT = _environment(autoescape=False)
_HTML = _environment(autoescape=True)


@lru_cache(maxsize=512)
def _compiled(source: str, html: bool):
    return (_HTML if html else _TEXT).from_string(source)


def check_template(source: str, *, field: str = "body", html: bool = False) -> None:
    """Refuse a template that is too long or does not parse, naming ``field``."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise TemplateInvalid(
            "The template is too long.",
            fields={field: [f"At most {MAX_TEMPLATE_CHARS} characters."]},
        )
    try:
        _compiled(source, html)
    except TemplateSyntaxError as exc:
        raise TemplateInvalid(
            "The template does not parse.",
            fields={field: [f"Line {exc.lineno}: {exc.message}"]},
        ) from None


def merge_fields_in(source: str) -> set[str]:
    """The merge fields a template uses (whether or not it gives them defaults)."""
    return set(meta.find_undeclared_variables(_TEXT.parse(source)))


def render(
    source: str, fields: Mapping[str, Any], *, field: str = "body", html: bool = False
) -> str:
    """``source`` rendered for one recipient's ``fields`` (HTML-escaped when ``html``)."""
    check_template(source, field=field, html=html)
    try:
        return _compiled(source, html).render(**fields)
    except UndefinedError as exc:
        raise MissingMergeField(
            f"A merge field has no value for this recipient: {exc.message}.",
            fields={field: [str(exc.message)]},
        ) from None
    except SecurityError:
        raise TemplateInvalid(
            "The template tries something templates may not do.",
            fields={field: ["Unsafe operation in the template."]},
        ) from None
