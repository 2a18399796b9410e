"""Signals a lower room sends so higher rooms can react, without the lower room importing them.
A lower room may also ask: each receiver's return value is its answer (``volunteer_asked``).

The model is Indico's ``signals.users.merged`` and ``after_commit``: the sender names what
happened; each receiving room connects its receiver when it is imported (``create_app`` imports
every room, so the web app, the CLI and the worker all have every receiver connected).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

after_commit = _signals.signal(
    "after-commit",
    doc="The unit of work committed. Sender: the SQLAlchemy session. Receivers deliver what "
    "waited for the commit (outreach: the outbox). They run outside the committed transaction.",
)

after_rollback = _signals.signal(
    "after-rollback",
    doc="The unit of work rolled back. Sender: the session. Receivers drop what they were "
    "keeping for the commit.",
)

request_started = _signals.signal(
    "request-started",
    doc="A request began. Sender: None; keyword arguments request_id, ip, user_agent "
    "(audit starts the request's audit context).",
)

request_finished = _signals.signal(
    "request-finished",
    doc="A request's teardown. Sender: None (audit ends the request's audit context).",
)

person_merged = _signals.signal(
    "person-merged",
    doc="Two people became one. Sender: the kept Person; keyword argument ``merged`` (the Person "
    "merged into it). Each room moves its own rows from ``merged`` to the kept person, in the "
    "merge's transaction (flush, never commit).",
)

shift_attended = _signals.signal(
    "shift-attended",
    doc="A person was checked in to a shift. Sender: the Person; keyword argument ``signup`` "
    "(volunteers make them a volunteer, so their hours show from the check-in; automation's "
    "follow-up rules start); in the check-in's transaction (flush, never commit).",
)

shift_missed = _signals.signal(
    "shift-missed",
    doc="A person with a seat did not come (marked a no-show). Sender: the Person; keyword "
    "argument ``signup``. In the marking's transaction.",
)

signup_created = _signals.signal(
    "signup-created",
    doc="A person took a place on a shift (a form, an organiser, a walk-in; seated, waitlisted "
    "or pending). Sender: the Person; keyword argument ``signup``. In its transaction.",
)

contacts_recorded = _signals.signal(
    "contacts-recorded",
    doc="Contacts landed in people's histories: a phone's door knocks (canvass sync, once per "
    "batch), a text thread's result and answers (texting). Sender: the organisation id; "
    "keyword argument ``contacts``: a list of dicts with person_id, interaction_id, kind (the "
    "interaction kind), result (a result code), answers (question key -> answer) and "
    "occurred_at. In the recording transaction; automation's follow-up rules start from it.",
)

volunteer_asked = _signals.signal(
    "volunteer-asked",
    doc="Events asks what it needs of a person as a volunteer. Sender: the person's id. The "
    "volunteers room answers with an ``app.events.volunteering.Volunteering`` (their own "
    "sign-in, their preferred channel), or None when the person is no volunteer.",
)

sms_recipient_stopped = _signals.signal(
    "sms-recipient-stopped",
    doc="The SMS provider says a number replied STOP. Sender: the number; keyword arguments "
    "organization_id, reason (people opt the number's phones out).",
)

sms_received = _signals.signal(
    "sms-received",
    doc="A text came in to the campaign's number (the provider's webhook), after its keyword was "
    "applied. Sender: the number it came from; keyword arguments body, keyword (stop, start, "
    "help, or None), message_sid (the provider's id: a retried webhook repeats it) and "
    "received_at. Texting puts it in its conversation (and answers HELP).",
)

user_deactivated = _signals.signal(
    "user-deactivated",
    doc="A user was deactivated. Sender: the user's id (auth revokes their refresh tokens).",
)

donation_recorded = _signals.signal(
    "donation-recorded",
    doc="A contribution landed on its donor (recorded, or settled from the review queue). "
    "Sender: the Donation, flushed, with its person_id. Fundraising thanks the donor (the "
    "outbox delivers after the commit) and settles their pledges, in the same transaction.",
)

donations_imported = _signals.signal(
    "donations-imported",
    doc="A bulk import recorded contributions set-based (no ``donation_recorded`` per gift). "
    "Sender: the organization id; keyword arguments donation_ids (the contributions it added) "
    "and person_ids (the donors it touched). Fundraising thanks the recent gifts and settles "
    "pledges, in the same transaction.",
)

person_created = _signals.signal(
    "person-created",
    doc="A person was added one at a time (an organiser, a form, a door, a donor). Sender: "
    "the Person, flushed. In its transaction (webhooks note it for their outbox). Bulk voter "
    "imports add people set-based and do not send it.",
)

person_updated = _signals.signal(
    "person-updated",
    doc="A person's own fields or contact points were edited (``update_person``). Sender: the "
    "Person. In the edit's transaction.",
)

knocks_synced = _signals.signal(
    "knocks-synced",
    doc="Door knocks landed from a phone's sync or a keyed paper sheet, once per batch (late "
    "ones held for review included). Sender: the organization id; keyword argument "
    "``knock_ids``. In the sync's transaction.",
)

signup_changed = _signals.signal(
    "signup-changed",
    doc="A sign-up's status changed (cancelled, confirmed, seated from the waitlist, attended, "
    "no-show, an organiser's change). Sender: the Signup. In the change's transaction.",
)

consent_refused = _signals.signal(
    "consent-refused",
    doc="A person said no on a channel (a STOP, an unsubscribe, a bounce or complaint, an "
    "organiser's do-not-contact). Sender: the Person; keyword arguments channel, contact, "
    "source, purposes (a list of purpose names) and at. In the recording transaction.",
)

form_submitted = _signals.signal(
    "form-submitted",
    doc="A public form (an RSVP, the volunteer form) found or added its person. Sender: the "
    "Person, flushed; keyword argument ``created`` (a new person). In the form's transaction; "
    "tracked links and mail pieces credit the source the visitor came through.",
)

donation_corrected = _signals.signal(
    "donation-corrected",
    doc="A contribution was refunded, charged back, redesignated or reattributed. Sender: the "
    "correction's entry (the minus entry of a move), flushed; keyword argument ``contribution`` "
    "(the Donation corrected). Fundraising tells the donor of an excess's cure, in the same "
    "transaction.",
)
