"""Helpers shared by the migration tests (SQLite and PostgreSQL)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db

STALE = ("the migrated schema differs from the models: regenerate the migration with "
         "bin/regen-migration (or `make migration`), then review migrations/versions/. Differences: ")


def schema_differences() -> list:
    """What Alembic would still have to change to bring the database to the models (inside an app context)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    return set(db.inspect(db.engine).get_table_names())
