"""Liveness and readiness: database, PostGIS and migration state."""
