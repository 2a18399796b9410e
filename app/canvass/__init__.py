"""Canvassing: result codes, scripts, and the door knocks phones sync (exactly once)."""
