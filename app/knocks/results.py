"""The result codes every campaign starts with (DOMAIN.md's short list), and which of a
campaign's results mean "we spoke to somebody"."""

from __future__ import annotations

from sqlalchemy import literal, select, union_all

from app.knocks.models import ResultCode, ResultEffect

# (code, label, Spanish label, is a contact, effect)
RESULT_CODES = (
    ("canvassed", "Canvassed", "Contactado", True, ResultEffect.NONE),
    ("not_home", "Not Home", "No está en casa", False, ResultEffect.NONE),
    ("refused", "Refused", "Se negó", True, ResultEffect.NONE),
    ("moved", "Moved", "Se mudó", False, ResultEffect.MOVED),
    ("deceased", "Deceased", "Fallecido", False, ResultEffect.DECEASED),
    ("inaccessible", "Inaccessible", "Inaccesible", False, ResultEffect.NONE),
    ("language_barrier", "Language Barrier", "Barrera de idioma", False, ResultEffect.NONE),
    ("wrong_address", "Wrong Address", "Dirección equivocada", False, ResultEffect.WRONG_ADDRESS),
    ("hostile", "Hostile", "Hostil", True, ResultEffect.DO_NOT_CONTACT),
    ("come_back_later", "Come Back Later", "Volver más tarde", False, ResultEffect.NONE),
)


def contact_results(organization_id: int):
    """The result codes that mean "we spoke to somebody" for this campaign (its own codes,
    or the defaults before it has any), as a subquery for ``Interaction.result.in_``."""
    own = select(ResultCode.code).where(
        ResultCode.organization_id == organization_id, ResultCode.is_contact
    )
    has_own = select(ResultCode.id).where(ResultCode.organization_id == organization_id).exists()
    defaults = [
        select(literal(code)).where(~has_own) for code, _, _, contact, _ in RESULT_CODES if contact
    ]
    return union_all(own, *defaults)
