"""The words of the letters about an excess contribution, and the values they print.

A gift over the per-election limit is cured within 60 days of receipt (11 CFR 103.3(b)(3)):
refunded, or redesignated to another election (110.1(b)(5)) or reattributed to the other
holder of a joint account (110.1(k)(3)). The committee asks the donor which they want
(``excess_request``); where it redesignates or reattributes without a written request from
them it must tell them so within the 60 days, offering a refund instead (the notices); a
refund is confirmed in writing too. These words are the law's, so they are not templates a
campaign edits; the "not tax deductible" and "Paid for by" lines are added below, as on
every letter.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.donations.models import Donation, DonationFlag, FlagCode
from app.donations.totals import standing_of
from app.extensions import db
from app.fundraising.models import AcknowledgementKind

_GREETING = "Dear {{ first_name or 'friend' }},\n\n"
_CLOSE = "With thanks,\n{{ committee }}\n"
_REFUND_OFFER = (
    "If you would rather have the {{ moved }} refunded, tell us in writing and we will send it "
    "back to you."
)

WORDS = {
    AcknowledgementKind.EXCESS_REQUEST: (
        "{{ committee }}: your contribution is over the legal limit",
        _GREETING + "Thank you for your contribution of {{ amount }} received on {{ received_on }}"
        "{% if election %} for the {{ election }}{% endif %}.\n\n"
        "Federal law limits what one person may give to a candidate's committee to "
        "{{ limit }} per election. With this gift your contributions for the {{ election }} "
        "come to {{ aggregate }}, which is {{ excess }} over the limit.\n\n"
        "You may ask us in writing, signed by you, to:\n"
        "  - apply the {{ excess }} to another election (such as the general election), or\n"
        "  - attribute it to the other holder of a joint account the check was drawn on, who "
        "signs the request too, or\n"
        "  - refund it to you.\n\n"
        "If we have not heard from you by {{ due_on }}, we will refund the {{ excess }}.\n\n"
        + _CLOSE,
    ),
    AcknowledgementKind.REDESIGNATION_NOTICE: (
        "{{ committee }}: {{ moved }} of your contribution applied to the {{ to_election }}",
        _GREETING + "Thank you for your contribution of {{ amount }} received on "
        "{{ received_on }}. Federal law limits what one person may give to {{ limit }} per "
        "election, so we have applied {{ moved }} of it to the {{ to_election }} instead of "
        "the {{ election }} (on {{ corrected_on }}).\n\n" + _REFUND_OFFER + "\n\n" + _CLOSE,
    ),
    # To the giver, and to the other holder of the account (``to_you``), who is a contributor
    # now: 110.1(k)(3)(ii)(B) notifies "the contributor(s)".
    AcknowledgementKind.REATTRIBUTION_NOTICE: (
        "{{ committee }}: {% if to_you %}{{ moved }} of a contribution attributed to you"
        "{% else %}{{ moved }} of your contribution attributed to {{ to_name }}{% endif %}",
        _GREETING + "{% if to_you %}On {{ received_on }} we received a contribution of "
        "{{ amount }} from {{ to_name }}, drawn on an account you also hold. Federal law limits "
        "what one person may give to {{ limit }} per election, so we have attributed "
        "{{ moved }} of it to you (on {{ corrected_on }}).{% else %}Thank you for your "
        "contribution of {{ amount }} received on {{ received_on }}. Federal law limits what "
        "one person may give to {{ limit }} per election, so we have attributed {{ moved }} of "
        "it to {{ to_name }}, who also holds the account it was drawn on (on "
        "{{ corrected_on }}).{% endif %}\n\n" + _REFUND_OFFER + "\n\n" + _CLOSE,
    ),
    AcknowledgementKind.REFUND_NOTICE: (
        "{{ committee }}: {{ moved }} of your contribution refunded",
        _GREETING + "Thank you for your contribution of {{ amount }} received on "
        "{{ received_on }}. Federal law limits what one person may give to {{ limit }} per "
        "election, so on {{ corrected_on }} we refunded {{ moved }} of it to you.\n\n" + _CLOSE,
    ),
}


def _day(day) -> str:
    return f"{day:%B} {day.day}, {day.year}" if day else ""


def cure_subject(donation: Donation) -> Donation:
    """The contribution a letter is about: the gift itself, or the one a correction corrects."""
    if donation.corrects_id is None:
        return donation
    return db.session.get(Donation, donation.corrects_id) or donation


def cure_context(
    kind: AcknowledgementKind, donation: Donation, format_cents
) -> tuple[Donation, dict[str, Any]]:
    """(the contribution the letter names, the values the letter prints beyond a receipt's).
    ``donation`` is the entry the letter hangs on: the gift over the limit for a request, the
    correction (its minus entry; a refund) for a notice."""
    subject = cure_subject(donation) if kind != AcknowledgementKind.EXCESS_REQUEST else donation
    election = subject.election
    context: dict[str, Any] = {
        "limit": format_cents(election.limit_cents) if election else "",
        "moved": format_cents(abs(donation.amount_cents)),
        "corrected_on": _day(donation.received_on),
    }
    if kind == AcknowledgementKind.EXCESS_REQUEST:
        flag = db.session.scalar(
            select(DonationFlag).where(
                DonationFlag.donation_id == donation.id, DonationFlag.code == FlagCode.EXCESSIVE
            )
        )
        excess = flag.amount_cents if flag else donation.excess_cents
        aggregate = standing_of(donation.person_id, election).election_cents if election else 0
        context.update(
            excess=format_cents(excess),
            aggregate=format_cents(aggregate),
            due_on=_day(flag.due_on if flag else None),
        )
    elif donation.group_uuid is not None:
        other = db.session.scalar(
            select(Donation).where(
                Donation.group_uuid == donation.group_uuid, Donation.id != donation.id
            )
        )
        if other is not None:
            context["to_election"] = other.election.name if other.election else ""
            context["to_name"] = " ".join(p for p in (other.first_name, other.last_name) if p)
        context["to_you"] = "yes" if donation.amount_cents > 0 else ""
    return subject, context
