"""What events needs to know of a person as a volunteer, asked of the volunteers room above it
(``app.core.signals.volunteer_asked``: events never imports volunteers). Their own sign-in
gets the walk list handed to them at a canvass launch, its knocks time their hours, and its
phones get their push messages; their preferred channel goes first when they are messaged."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.signals import volunteer_asked
from app.outreach.models import Channel


@dataclass(frozen=True)
class Volunteering:
    """The volunteers room's answer to ``volunteer_asked``: what their profile says."""

    #: Their own sign-in (set by an organiser: an email on a public form is no proof of owning
    #: an account), or None.
    user_id: int | None
    preferred_channel: Channel


def volunteering_of(person_id: int) -> Volunteering | None:
    """The volunteers room's answer for this person, or None: not a volunteer."""
    for _receiver, answer in volunteer_asked.send(person_id):
        if answer is not None:
            return answer
    return None


def sign_in_of(person_id: int) -> int | None:
    """The volunteer's own sign-in, if they are a volunteer with one."""
    volunteering = volunteering_of(person_id)
    return volunteering.user_id if volunteering is not None else None
