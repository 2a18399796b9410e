"""Turfs: cutting an area's doors into balanced turfs, editing them, and exchanging them as
GeoJSON, KML or Shapefile. The geometry itself lives in the top-level ``turf`` library."""
