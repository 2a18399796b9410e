"""Organisations, users and invitations."""
