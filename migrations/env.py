"""Alembic environment: the app's metadata, with GeoAlchemy2's helpers for PostGIS."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from geoalchemy2 import alembic_helpers

from app.core.alembic_filters import include_object

config = context.config
if config.config_file_name is not None and not current_app.testing:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
log = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
target_metadata = db.metadata

CONFIGURE_OPTS = {
    "target_metadata": target_metadata,
    "include_object": include_object,
    "process_revision_directives": alembic_helpers.writer,
    "render_item": alembic_helpers.render_item,
    "compare_type": True,
    "compare_server_default": False,
}


def _skip_empty(context_, revision, directives):
    # `doorstep db migrate` with nothing to do writes no empty revision.
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        log.info("No changes in schema detected.")


def run_migrations_offline():
    context.configure(
        url=str(db.engine.url).replace("%", "%%"), literal_binds=True, **CONFIGURE_OPTS
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    options = dict(CONFIGURE_OPTS)
    writer = options.pop("process_revision_directives")

    def process(context_, revision, directives):
        _skip_empty(context_, revision, directives)
        if directives:
            writer(context_, revision, directives)

    with db.engine.connect() as connection:
        context.configure(connection=connection, process_revision_directives=process, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
