"""Universes: saved, re-runnable searches over voters (segments, targets)."""
