"""Walk lists: a turf (or the doors near a point) x a universe, in walking order."""
