"""What Alembic compares: our tables, not the ones PostGIS brings (used by env.py and tests)."""

from geoalchemy2 import alembic_helpers

FOREIGN_TABLES = {"spatial_ref_sys", "topology", "layer"}


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and name in FOREIGN_TABLES:
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)
