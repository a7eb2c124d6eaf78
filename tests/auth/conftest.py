"""Account tests: fixtures on top of tests/conftest.py."""
import pytest

from portal.extensions import db


@pytest.fixture(autouse=True)
def _no_test_transaction_during_requests(app, monkeypatch):
    """Test code reads outside a request, so its session begins `BEGIN IMMEDIATE` (the CLI's write
    semantics) and keeps the write lock; the host-mapping middleware's own connection would then
    wait for it forever. End the test's transaction before each request reaches the middleware."""
    load = app.host_mapping._slug_for_host

    def slug_for_host(host):
        db.session.commit()
        return load(host)

    monkeypatch.setattr(app.host_mapping, "_slug_for_host", slug_for_host)


@pytest.fixture(autouse=True)
def _fresh_g_per_request(app):
    """The app fixture keeps one app context pushed, so every test request shares its `g` (and
    Flask-Login's cached user). Start each request with an empty `g`, as a real server does, so a
    second client is not taken for the first one."""
    from flask import g, request_started

    def clear_g(sender, **extra):
        g.__dict__.clear()

    request_started.connect(clear_g, app)
    yield
    request_started.disconnect(clear_g, app)
