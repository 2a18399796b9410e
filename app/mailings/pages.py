"""The public pages behind a campaign email's links: the one-click unsubscribe (RFC 8058) and
the preference page (``/u/TOKEN``), the open pixel and the signed click redirect (``/m/...``).

No sign-in: the signed token in the link is the credential. RFC 8058's POST (body
``List-Unsubscribe=One-Click``, sent by the mail client with no cookies) unsubscribes at once
and answers 200 with no redirect and no confirmation page. A GET changes nothing (mail
scanners open links): it shows the preference page, whose form posts the choice.
"""

from __future__ import annotations

import base64

from flask import Blueprint, Response, abort, render_template, request

from app.core.links import redirect_out
from app.extensions import db
from app.mailings.engagement import record_engagement, unsubscribe
from app.mailings.links import is_signed_click, recipient_of
from app.mailings.models import CampaignRecipient, EngagementKind
from app.people.consent import consent_states, record_consent
from app.people.models import ConsentChannel, ConsentPurpose, Person

bp = Blueprint("mailings_pages", __name__, template_folder="templates")

_PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
PURPOSE_LABELS = {
    ConsentPurpose.UPDATES: "Campaign news and updates",
    ConsentPurpose.FUNDRAISING: "Fundraising appeals",
    ConsentPurpose.EVENTS: "Invitations to events",
    ConsentPurpose.VOLUNTEERING: "Volunteer opportunities",
}


def _recipient(token: str) -> CampaignRecipient:
    recipient_id = recipient_of(token)
    recipient = db.session.get(CampaignRecipient, recipient_id) if recipient_id else None
    if recipient is None:
        abort(404)
    return recipient


def _page(recipient: CampaignRecipient, token: str, done: str = "") -> str:
    states = consent_states(recipient.person_id)
    choices = [
        (purpose.value, label, states.get((ConsentChannel.EMAIL.value, purpose.value), True))
        for purpose, label in PURPOSE_LABELS.items()
    ]
    return render_template(
        "mailings/preferences.html",
        token=token,
        address=recipient.address,
        choices=choices,
        done=done,
    )


@bp.get("/u/<token>")
def preferences(token: str):
    return _page(_recipient(token), token)


@bp.post("/u/<token>")
def unsubscribe_post(token: str):
    recipient = _recipient(token)
    form = request.form
    if form.get("List-Unsubscribe") == "One-Click":
        unsubscribe(recipient, source="one_click", words="List-Unsubscribe=One-Click")
        return Response("Unsubscribed.\n", mimetype="text/plain")
    if form.get("all") == "unsubscribe":
        unsubscribe(recipient, source="preference_page", words="Unsubscribe from all email")
        return _page(recipient, token, done="You will get no more email from us.")
    if form.get("form") != "preferences":
        abort(400)  # neither RFC 8058's body nor one of our forms
    known = {purpose.value: purpose for purpose in ConsentPurpose}
    wanted = {known[p] for p in form.getlist("purpose") if p in known}
    refused = [p for p in ConsentPurpose if p not in wanted]
    if refused:
        unsubscribe(
            recipient,
            source="preference_page",
            purposes=refused,
            words="Preference page: " + ", ".join(PURPOSE_LABELS[p] for p in refused),
        )
    if wanted:
        record_consent(
            db.session.get(Person, recipient.person_id),
            ConsentChannel.EMAIL,
            granted=True,
            purposes=sorted(wanted),
            contact=recipient.address,
            source="preference_page",
            words="Preference page: " + ", ".join(PURPOSE_LABELS[p] for p in wanted),
        )
    return _page(recipient, token, done="Saved.")


@bp.get("/m/o/<token>.gif")
def opened(token: str):
    """The open pixel: counted (unreliable: mail clients fetch images themselves)."""
    recipient_id = recipient_of(token)
    recipient = db.session.get(CampaignRecipient, recipient_id) if recipient_id else None
    if recipient is not None and recipient.opened_at is None:
        record_engagement(
            recipient.organization_id,
            EngagementKind.OPENED,
            address=recipient.address,
            recipient=recipient,
        )
    response = Response(_PIXEL, mimetype="image/gif")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/m/c/<token>")
def clicked(token: str):
    """A signed link: counted, then on to the URL it was signed for (and nowhere else)."""
    url, signature = request.args.get("u", ""), request.args.get("s", "")
    recipient = _recipient(token)
    if not is_signed_click(recipient.campaign_id, recipient.id, url, signature):
        abort(404)
    record_engagement(
        recipient.organization_id,
        EngagementKind.CLICKED,
        address=recipient.address,
        recipient=recipient,
        detail={"url": url[:1000]},
    )
    return redirect_out(url)
