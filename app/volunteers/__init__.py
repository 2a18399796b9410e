"""Volunteers: profiles, teams, invite links, the open sign-up."""
