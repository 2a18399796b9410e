"""Doorstep's turf geometry: cut an area's doors into balanced, walkable turfs, and order each
turf's stops into a walking route.

Pure Python on Shapely and NumPy: no web framework, no database. Coordinates are metres in a
local projection (``turf.projection.LocalProjection``); the app converts at its edge.
"""
