"""The result codes every campaign starts with (DOMAIN.md's short list: the door's, the
phone's, and those both share), and which of a campaign's results mean "we spoke to
somebody"."""

from __future__ import annotations

from sqlalchemy import literal, select, union_all

from app.knocks.models import ResultCode, ResultEffect

DOOR, PHONE = "door", "phone"
BOTH = (DOOR, PHONE)

# (code, label, Spanish label, is a contact, effect, where it is offered)
RESULT_CODES = (
    ("canvassed", "Canvassed", "Contactado", True, ResultEffect.NONE, BOTH),
    ("not_home", "Not Home", "No está en casa", False, ResultEffect.NONE, (DOOR,)),
    ("refused", "Refused", "Se negó", True, ResultEffect.NONE, BOTH),
    ("moved", "Moved", "Se mudó", False, ResultEffect.MOVED, BOTH),
    ("deceased", "Deceased", "Fallecido", False, ResultEffect.DECEASED, BOTH),
    ("inaccessible", "Inaccessible", "Inaccesible", False, ResultEffect.NONE, (DOOR,)),
    ("language_barrier", "Language Barrier", "Barrera de idioma", False, ResultEffect.NONE, BOTH),
    ("wrong_address", "Wrong Address", "Dirección equivocada", False, ResultEffect.WRONG_ADDRESS,
     (DOOR,)),
    ("hostile", "Hostile", "Hostil", True, ResultEffect.DO_NOT_CONTACT, BOTH),
    ("come_back_later", "Come Back Later", "Volver más tarde", False, ResultEffect.NONE, BOTH),
    ("no_answer", "No Answer", "No contesta", False, ResultEffect.NONE, (PHONE,)),
    ("left_message", "Left Message", "Dejó mensaje", False, ResultEffect.NONE, (PHONE,)),
    ("busy", "Busy", "Ocupado", False, ResultEffect.NONE, (PHONE,)),
    ("wrong_number", "Wrong Number", "Número equivocado", False, ResultEffect.WRONG_NUMBER,
     (PHONE,)),
    ("disconnected", "Disconnected", "Desconectado", False, ResultEffect.DISCONNECTED, (PHONE,)),
    ("do_not_call", "Do Not Call", "No llamar", True, ResultEffect.DO_NOT_CALL, (PHONE,)),
)  # fmt: skip


def contact_results(organization_id: int):
    """The result codes that mean "we spoke to somebody" for this campaign (its own codes,
    or the defaults before it has any), as a subquery for ``Interaction.result.in_``."""
    own = select(ResultCode.code).where(
        ResultCode.organization_id == organization_id, ResultCode.is_contact
    )
    has_own = select(ResultCode.id).where(ResultCode.organization_id == organization_id).exists()
    defaults = [
        select(literal(code)).where(~has_own)
        for code, _, _, contact, _, _ in RESULT_CODES
        if contact
    ]
    return union_all(own, *defaults)
