"""The words of thank-yous and best-efforts requests: the campaign's templates (Jinja2, in its
sandbox: a template is data a user typed, so it may read the values given to it and nothing
else), and the lines the law requires, which code adds below whatever a template says."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from app.accounts.models import Organization
from app.core.errors import ValidationError
from app.donations.committee import committee_settings
from app.donations.models import Donation
from app.extensions import db
from app.fundraising.cure_words import WORDS, cure_context
from app.fundraising.models import AcknowledgementKind, FundraisingSettings

log = logging.getLogger(__name__)


class _LetterEnvironment(SandboxedEnvironment):
    """Jinja's sandbox narrowed to what a letter needs: print the values given, ``if``, a few
    filters. No attribute or method of anything (the values are plain text), no globals, no
    loops or ``set`` (checked when parsed): a template can neither reach into the application
    nor blow up into a huge message or a long render."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False


_ENVIRONMENT = _LetterEnvironment(undefined=StrictUndefined, autoescape=False)
_ENVIRONMENT.globals.clear()
_SAFE_FILTERS = ("upper", "lower", "title", "capitalize", "trim", "default", "d", "truncate")
_ENVIRONMENT.filters = {name: _ENVIRONMENT.filters[name] for name in _SAFE_FILTERS}
_STATEMENTS = (nodes.Output, nodes.If)
#: What a template may print, with a value for checking a template before it is saved.
SAMPLE_CONTEXT = {
    "first_name": "Ada",
    "last_name": "Donor",
    "full_name": "Ada Donor",
    "amount": "$250.00",
    "received_on": "March 1, 2026",
    "election": "Primary 2026",
    "committee": "Friends of the Candidate",
    "method": "check",
    "check_number": "1042",
    "missing": "employer and occupation",
}
MAX_BODY = 20_000

DEFAULTS = {
    AcknowledgementKind.THANK_YOU: (
        "Thank you for your contribution to {{ committee }}",
        "Dear {{ first_name or 'friend' }},\n\n"
        "Thank you for your contribution of {{ amount }} to {{ committee }}, received on "
        "{{ received_on }}{% if election %} for the {{ election }}{% endif %}.\n\n"
        "Gifts like yours are what keep this campaign on the doors and on the phones.\n\n"
        "With thanks,\n{{ committee }}\n",
    ),
    AcknowledgementKind.INFO_REQUEST: (
        "{{ committee }}: we need your {{ missing }}",
        "Dear {{ first_name or 'friend' }},\n\n"
        "Thank you for your contribution of {{ amount }} received on {{ received_on }}.\n\n"
        "Federal law requires us to use our best efforts to collect and report the name, "
        "mailing address, occupation and name of employer of individuals whose contributions "
        "exceed $200 in an election cycle. Our records do not show your {{ missing }}. "
        'Please reply with your employer and occupation ("retired", "self-employed" or '
        '"not employed" are answers too).\n\n'
        "With thanks,\n{{ committee }}\n",
    ),
}
_FIELDS = {
    AcknowledgementKind.THANK_YOU: ("thank_you_subject", "thank_you_body"),
    AcknowledgementKind.INFO_REQUEST: ("info_request_subject", "info_request_body"),
}


@dataclass(frozen=True)
class Letter:
    """One message, in the words it goes out with."""

    subject: str
    body: str  # the template's words, then the disclaimer and the "Paid for by" line
    disclaimer: str
    paid_for_by: str


def format_cents(cents: int) -> str:
    """Dollars as a donor reads them.

    >>> format_cents(123456), format_cents(5), format_cents(-2500)
    ('$1,234.56', '$0.05', '-$25.00')
    """
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{rest:02d}"


def check_template(field: str, source: str) -> None:
    """Refuse (422, naming ``field``) a template that does not parse or render."""
    try:
        _render(source, SAMPLE_CONTEXT)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        where = f"line {line}: " if line else ""
        raise ValidationError(
            "The template cannot be used.", fields={field: [f"{where}{exc.message}"]}
        ) from None


def _render(source: str, context: Mapping[str, Any]) -> str:
    tree = _ENVIRONMENT.parse(source)
    for node in tree.find_all(nodes.Stmt):
        if not isinstance(node, _STATEMENTS):
            name = type(node).__name__.lower()
            raise TemplateSyntaxError(f"'{name}' is not allowed in a letter", node.lineno)
    return _ENVIRONMENT.from_string(tree).render(context)[:MAX_BODY]


def committee_lines(organization_id: int) -> tuple[str, str, str]:
    """(committee name, disclaimer, "Paid for by" line) from the committee settings."""
    settings = committee_settings(organization_id)
    name = settings.committee_name.strip()
    if not name:
        name = db.session.get(Organization, organization_id).name
    disclaimer = f"Contributions or gifts to {name} are not tax deductible."
    paid_for = settings.paid_for_by.strip() or name
    if not paid_for.lower().startswith("paid for by"):
        paid_for = f"Paid for by {paid_for}"
    return name, disclaimer, paid_for


def missing_details(employer: str | None, occupation: str | None) -> str:
    missing = [
        name
        for name, value in (("employer", employer), ("occupation", occupation))
        if not (value or "").strip()
    ]
    return " and ".join(missing) or "employer and occupation"


def compose(
    settings: FundraisingSettings, kind: AcknowledgementKind, donation: Donation, first_name: str
) -> Letter:
    """The message of ``kind`` about ``donation``. A template that fails on this gift's values
    (it was checked against sample values when saved) falls back to the default words. The
    letters about an excess speak of the contribution a correction corrects, in fixed words."""
    committee, disclaimer, paid_for_by = committee_lines(donation.organization_id)
    extra: dict[str, Any] = {}
    if kind in WORDS:
        donation, extra = cure_context(kind, donation, format_cents)
    context = {
        **{key: "" for key in SAMPLE_CONTEXT},
        "first_name": first_name or "",
        "last_name": donation.last_name or "",
        "full_name": " ".join(p for p in (first_name, donation.last_name) if p),
        "amount": format_cents(donation.amount_cents),
        "received_on": f"{donation.received_on:%B} {donation.received_on.day}, "
        f"{donation.received_on.year}",
        "election": donation.election.name if donation.election else "",
        "committee": committee,
        "method": donation.method.value.replace("_", "-"),
        "check_number": donation.check_number or "",
        "missing": missing_details(donation.employer, donation.occupation),
        **extra,
    }
    subject_field, body_field = _FIELDS.get(kind, ("", ""))
    default_subject, default_body = DEFAULTS.get(kind) or WORDS[kind]
    try:
        subject = _render(getattr(settings, subject_field, None) or default_subject, context)
        body = _render(getattr(settings, body_field, None) or default_body, context)
    except TemplateError:
        log.exception("the campaign's %s template failed; the default words are used", kind)
        subject, body = _render(default_subject, context), _render(default_body, context)
    subject = " ".join(subject.split())[:300]
    full = f"{body.rstrip()}\n\n{disclaimer}\n{paid_for_by}\n"
    return Letter(subject=subject, body=full, disclaimer=disclaimer, paid_for_by=paid_for_by)
