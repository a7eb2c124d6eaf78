"""The workspace tests' helpers; their world is the shared one (tests/conftest.py)."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from portal.extensions import db
from portal.models_base import utcnow


def set_online(*users, minutes_ago=0):
    for user in users:
        user.last_seen_at = utcnow() - timedelta(minutes=minutes_ago)
    db.session.commit()


class QueryCounter:
    """Counts SQL statements sent while active (SQLAlchemy before_cursor_execute)."""

    def __init__(self, engine):
        self.engine = engine
        self.statements = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self):
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    return lambda: QueryCounter(db.engine)


@pytest.fixture
def client_for(app, world):
    """client_for(user) -> a test client signed in as user in acme (each its own cookie jar)."""
    from tests.conftest import signin

    def make(user, brand=None):
        client = app.test_client()
        response = signin(client, brand or world.brand, user)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return client
    return make
