"""Webhooks out: signed events to a campaign's subscribers (docs/webhooks.md)."""
