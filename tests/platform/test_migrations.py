"""`flask db upgrade` builds exactly the models' schema; a model change without a migration fails here."""
import os

import flask_migrate
import pytest

from portal import create_app
from portal.extensions import db

from .schema import STALE, schema_differences, table_names

VERSIONS = os.path.join(os.path.dirname(__file__), "..", "..", "migrations", "versions")


@pytest.fixture
def bare_app(tmp_path):
    """An app on an empty SQLite file: no create_all, the migrations alone build the schema."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'migrated.sqlite3'}",
                      "SEARCH_INDEX_DIR": str(tmp_path / "search-index")})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_one_initial_migration():
    revisions = sorted(name for name in os.listdir(VERSIONS) if name.endswith(".py"))
    assert revisions == ["0001_initial.py"]


def test_upgrade_matches_the_models(bare_app):
    assert table_names() == set()
    flask_migrate.upgrade()
    assert table_names() == set(db.metadata.tables) | {"alembic_version"}
    differences = schema_differences()
    assert differences == [], STALE + repr(differences)


def test_downgrade_then_upgrade_again(bare_app):
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="base")
    assert table_names() == {"alembic_version"}
    flask_migrate.upgrade()
    assert schema_differences() == []


def test_foreign_keys_are_on_again_after_migrating(bare_app):
    flask_migrate.upgrade()
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
