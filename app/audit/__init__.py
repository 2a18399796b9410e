"""Audit trail: who changed what, when, from where. Append-only at the database level."""
