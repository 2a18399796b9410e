"""What Alembic compares: our tables, not the ones PostGIS brings (used by env.py and tests)."""

from geoalchemy2 import alembic_helpers

# PostGIS's own tables, and lookup tables a migration creates and fills (no model maps them).
UNMODELLED_TABLES = {"spatial_ref_sys", "topology", "layer", "address_abbreviations"}


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name in UNMODELLED_TABLES:
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)
