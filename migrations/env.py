"""Alembic environment for Flask-Migrate: the app's engine and models are the source of truth."""
import logging
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
# Keep the loggers that already exist (the app's, the test runner's) working.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_ext = current_app.extensions["migrate"]
engine = migrate_ext.db.engine
config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
target_metadata = migrate_ext.db.metadata


def _configure_args():
    args = dict(migrate_ext.configure_args)
    # SQLite cannot ALTER most things: batch mode copies the table instead; harmless elsewhere.
    args.setdefault("render_as_batch", True)
    args.setdefault("compare_type", True)
    return args


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, **_configure_args())
    with context.begin_transaction():
        context.run_migrations()


def _skip_empty_autogenerate(_context, _revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


@contextmanager
def _sqlite_foreign_keys_off(connection):
    """Batch mode drops and recreates tables; with foreign keys on, SQLite would cascade the drop.

    The PRAGMA only works outside a transaction, so it goes straight to the driver connection
    (Connection.exec_driver_sql would begin one first). Integrity is checked before turning it on.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        problems = raw.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"foreign key violations after migrating: {problems[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def run_migrations_online():
    args = _configure_args()
    args.setdefault("process_revision_directives", _skip_empty_autogenerate)
    with engine.connect() as connection, _sqlite_foreign_keys_off(connection):
        context.configure(connection=connection, target_metadata=target_metadata, **args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
