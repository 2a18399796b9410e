"""The one place that says which role may do what.

Every API endpoint declares either a ``Permission`` (through ``app.auth.access.require``),
``SIGNED_IN`` (any active user) or ``PUBLIC``. ``tests/auth/test_role_matrix.py`` walks every
endpoint x every role against this table.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    DIRECTOR = "director"
    ORGANIZER = "organizer"
    CANVASSER = "canvasser"
    FINANCE = "finance"


class Permission(StrEnum):
    ORGANIZATION_READ = "organization.read"
    ORGANIZATION_UPDATE = "organization.update"
    USERS_READ = "users.read"
    USERS_MANAGE = "users.manage"
    INVITATIONS_MANAGE = "invitations.manage"
    AUDIT_READ = "audit.read"
    PEOPLE_READ = "people.read"
    PEOPLE_EDIT = "people.edit"
    PEOPLE_MERGE = "people.merge"
    UNIVERSES_READ = "universes.read"
    UNIVERSES_EDIT = "universes.edit"
    UNIVERSES_EXPORT = "universes.export"
    IMPORTS_RUN = "imports.run"
    AREAS_READ = "areas.read"
    GEOCODE_EDIT = "geocode.edit"
    TURFS_READ = "turfs.read"
    TURFS_EDIT = "turfs.edit"
    WALKLISTS_MANAGE = "walk_lists.manage"  # make, assign, close and print any list
    WALKLISTS_CLAIM = "walk_lists.claim"  # claim a list by its code, work the lists one holds
    CANVASS_SETUP = "canvass.setup"  # result codes and scripts
    CANVASS_REVIEW = "canvass.review"  # hold, release or roll back a canvasser's sync batch
    CANVASS_EXPORT = "canvass.export"  # canvass results out, in NGP VAN's shapes
    CALL_LISTS_MANAGE = "call_lists.manage"  # make, assign, close any call list; its progress
    CALLS_MAKE = "calls.make"  # claim a call list by its code, be handed people, record calls
    CANVASS_KEY = "canvass.key"  # key paper walk sheets back in (any list of the campaign)
    EVENTS_MANAGE = "events.manage"  # events, shifts, rosters
    VOLUNTEERS_MANAGE = "volunteers.manage"  # profiles, teams, invite links, history
    EVENTS_CHECK_IN = "events.check_in"  # run an event's door: kiosk, check-in and out
    DONATIONS_READ = "donations.read"  # donors and their gifts, amounts and all
    DONATIONS_EDIT = "donations.edit"  # record, refund, void; deposit batches; the review queue
    DONATIONS_TOTALS = "donations.totals"  # totals and goals, no one person's amounts
    COMPLIANCE_MANAGE = "compliance.manage"  # flags, elections, committee settings, FEC reports
    FUNDRAISING_MANAGE = "fundraising.manage"  # goals, call time, pledges, thank-you letters
    TEXTING_SEND = "texting.send"  # a texter: claim conversations, send, reply, record answers
    TEXTING_MANAGE = "texting.manage"  # texting campaigns, canned answers, every conversation
    TEXTING_BROADCAST = "texting.broadcast"  # texts sent to everyone who agreed, all at once
    AUTOMATION_MANAGE = "automation.manage"  # follow-up rules (trigger, conditions, action)
    TASKS_WORK = "tasks.work"  # the follow-up tasks rules make for organisers
    OUTREACH_MANAGE = "outreach.manage"  # email templates, draft campaigns, preview, results
    OUTREACH_SEND = "outreach.send"  # send, schedule, test-send, pause, resume, cancel
    WEBHOOKS_MANAGE = "webhooks.manage"  # webhook subscriptions (admins only: data leaves)
    API_KEYS_MANAGE = "api_keys.manage"  # integrations' keys (OSDI): create, list, revoke
    MAIL_MANAGE = "mail.manage"  # mail drops, mail files, mailing addresses, do-not-mail
    LINKS_MANAGE = "links.manage"  # tracked links and their results
    LINK_DESTINATIONS_MANAGE = "link_destinations.manage"  # pages off our site links may lead to
    DASHBOARD_READ = "dashboard.read"  # field, volunteers and outreach panels (money: totals)
    DASHBOARD_SUMMARY = "dashboard.summary"  # the printable summary of the panels one may see
    DASHBOARD_SCHEDULE = "dashboard.schedule"  # who gets the weekly summary by email, and when


class Access(StrEnum):
    """Endpoints open beyond the permission table."""

    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    REFRESH_TOKEN = "refresh_token"  # noqa: S105 - a kind of access, not a secret


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.DIRECTOR: frozenset(
        {
            Permission.ORGANIZATION_READ,
            Permission.USERS_READ,
            Permission.INVITATIONS_MANAGE,
            Permission.PEOPLE_READ,
            Permission.PEOPLE_EDIT,
            Permission.PEOPLE_MERGE,
            Permission.UNIVERSES_READ,
            Permission.UNIVERSES_EDIT,
            Permission.UNIVERSES_EXPORT,
            Permission.IMPORTS_RUN,
            Permission.AREAS_READ,
            Permission.GEOCODE_EDIT,
            Permission.TURFS_READ,
            Permission.TURFS_EDIT,
            Permission.WALKLISTS_MANAGE,
            Permission.WALKLISTS_CLAIM,
            Permission.CANVASS_SETUP,
            Permission.CANVASS_REVIEW,
            Permission.CANVASS_EXPORT,
            Permission.CALL_LISTS_MANAGE,
            Permission.CALLS_MAKE,
            Permission.CANVASS_KEY,
            Permission.EVENTS_MANAGE,
            Permission.EVENTS_CHECK_IN,
            Permission.VOLUNTEERS_MANAGE,
            Permission.DONATIONS_TOTALS,  # the money against its goals, not who gave what
            Permission.TEXTING_SEND,
            Permission.TEXTING_MANAGE,
            Permission.TEXTING_BROADCAST,
            Permission.AUTOMATION_MANAGE,
            Permission.TASKS_WORK,
            Permission.OUTREACH_MANAGE,
            Permission.OUTREACH_SEND,
            Permission.MAIL_MANAGE,
            Permission.LINKS_MANAGE,
            Permission.DASHBOARD_READ,
            Permission.DASHBOARD_SUMMARY,
            Permission.DASHBOARD_SCHEDULE,
        }
    ),
    Role.ORGANIZER: frozenset(
        {
            Permission.ORGANIZATION_READ,
            Permission.USERS_READ,
            Permission.PEOPLE_READ,
            Permission.PEOPLE_EDIT,
            Permission.UNIVERSES_READ,
            Permission.UNIVERSES_EDIT,
            Permission.AREAS_READ,
            Permission.TURFS_READ,
            Permission.WALKLISTS_MANAGE,
            Permission.WALKLISTS_CLAIM,
            Permission.CALL_LISTS_MANAGE,
            Permission.CALLS_MAKE,
            Permission.CANVASS_KEY,
            Permission.EVENTS_MANAGE,
            Permission.EVENTS_CHECK_IN,
            Permission.VOLUNTEERS_MANAGE,
            Permission.OUTREACH_MANAGE,  # drafts and previews; a director sends
            # Text banks, as they run phone banks; a broadcast to thousands is a director's.
            Permission.TEXTING_SEND,
            Permission.TEXTING_MANAGE,
            Permission.TASKS_WORK,
            Permission.MAIL_MANAGE,
            Permission.LINKS_MANAGE,
            Permission.DASHBOARD_READ,  # the organiser's view: no money
            Permission.DASHBOARD_SUMMARY,
        }
    ),
    # Canvassers see voters only through the walk lists they hold, as volunteer texters
    # (Spoke's way) the conversations they claim (a first name and the thread), and as callers
    # the one person a call list hands them at a time.
    Role.CANVASSER: frozenset(
        {
            Permission.ORGANIZATION_READ,
            Permission.WALKLISTS_CLAIM,
            Permission.TEXTING_SEND,
            Permission.CALLS_MAKE,
        }
    ),
    # Finance works with donors: read people, the money, nothing else of the field program.
    Role.FINANCE: frozenset(
        {
            Permission.ORGANIZATION_READ,
            Permission.PEOPLE_READ,
            Permission.DONATIONS_READ,
            Permission.DONATIONS_EDIT,
            Permission.DONATIONS_TOTALS,
            Permission.COMPLIANCE_MANAGE,
            Permission.FUNDRAISING_MANAGE,
            Permission.DASHBOARD_SUMMARY,  # its money section only
        }
    ),
}

#: Fields of a person each role is not shown (the rest of ``app.people.schemas`` it is):
#: the least each needs. Organizers build lists and run events: names, doors, contact points,
#: party and age, never a full birth date or a ballot record. Finance works with donors: who
#: they are and how to reach them, nothing of the voter file. docs/api.md has the table.
_VOTER_RECORD = frozenset({"party", "registration_status", "registrations", "votes"})
HIDDEN_PERSON_FIELDS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset(),
    Role.DIRECTOR: frozenset(),
    Role.ORGANIZER: frozenset({"birth_date", "registrations", "votes"}),
    # Reads people only through the walk lists it holds; nothing of their giving anywhere.
    Role.CANVASSER: frozenset({"is_donor"}),
    Role.FINANCE: frozenset(_VOTER_RECORD | {"birth_date", "birth_year", "gender"}),
}

#: How many people of one search a role may page through (``page * per_page``); None: all.
#: Beyond it is a copy of the voter file, which is what the (audited) export is for: an
#: organizer sees enough of a universe to check it and cuts walk lists from it, as VAN lets a
#: user without export rights look at a list but not walk away with it.
BROWSE_LIMITS: dict[Role, int | None] = {
    Role.ADMIN: None,
    Role.DIRECTOR: None,
    Role.ORGANIZER: 500,
    Role.CANVASSER: 0,
    Role.FINANCE: 50,  # look a donor up; never browse the file
}

# Who may hand out which role through an invitation (nobody grants more than they hold).
INVITABLE_ROLES: dict[Role, frozenset[Role]] = {
    Role.ADMIN: frozenset(Role),
    Role.DIRECTOR: frozenset({Role.DIRECTOR, Role.ORGANIZER, Role.CANVASSER}),
}


def role_has(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def can_invite(inviter: Role, invitee: Role) -> bool:
    return invitee in INVITABLE_ROLES.get(inviter, frozenset())
