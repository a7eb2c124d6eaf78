"""A real server on loopback, brands reached through their host mapping, and zenpy clients.

zenpy cannot add a path prefix, so it talks to `<brand>.localhost:<port>/api/v2/…` and the app's
host-mapping rewrite adds `/<brand>`. Python does not resolve `*.localhost`: the tests do.
"""
import base64
import socket
import threading

import pytest
import requests
from werkzeug.serving import make_server
from zenpy import Zenpy

from portal.extensions import db
from tests.conftest import PASSWORD


@pytest.fixture
def localhost_resolves(monkeypatch):
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def live_server(app, localhost_resolves):
    """The app served by werkzeug in a thread; yields the port. Each request runs in an app
    context of its own thread, as under a real server."""
    def served(environ, start_response):
        with app.app_context():
            return app(environ, start_response)

    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.host_mapping.forget_hosts()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def end_test_transaction():
    """Outside a request the test's session begins write transactions (BEGIN IMMEDIATE); end it
    before the server needs the database, or the server would wait on the test."""
    db.session.commit()


class CommittingSession(requests.Session):
    def request(self, *args, **kwargs):
        end_test_transaction()
        return super().request(*args, **kwargs)


@pytest.fixture
def zenpy_client(live_server, monkeypatch):
    """zenpy_client(brand, user, token=None): a zenpy client on the brand's mapped host."""
    sessions = []

    def make(brand, user, token=None, password=PASSWORD):
        monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
        monkeypatch.setenv("ZENPY_FORCE_NETLOC", f"{brand.host_mapping}:{live_server}")
        session = CommittingSession()
        sessions.append(session)
        if token:
            return Zenpy(subdomain=brand.slug, email=user.email, token=token, session=session, disable_cache=True)
        return Zenpy(subdomain=brand.slug, email=user.email, password=password, session=session, disable_cache=True)

    yield make
    for session in sessions:
        session.close()


def basic(user_or_email, secret=PASSWORD, token=False) -> dict:
    email = getattr(user_or_email, "email", user_or_email) + ("/token" if token else "")
    return {"Authorization": "Basic " + base64.b64encode(f"{email}:{secret}".encode()).decode()}


@pytest.fixture
def api(client):
    """api(method, brand, path, user, json=None, **kw): a test-client call with Basic auth."""
    def call(method, brand, path, user=None, json=None, secret=PASSWORD, token=False, **kwargs):
        headers = basic(user, secret, token) if user is not None else {}
        headers.update(kwargs.pop("headers", {}))
        end_test_transaction()
        response = client.open(f"/{brand.slug}/api/v2{path}", method=method, json=json, headers=headers, **kwargs)
        response.close()
        # The test client shares the test's session: end the request's read transaction too, or a
        # later write from the test would find its snapshot stale (the rate counter wrote since).
        end_test_transaction()
        return response
    return call


@pytest.fixture
def world(make_world):
    """The shared world as in the demo: acme lets agents manage requests, globex does not; zenpy
    reaches both through their host mappings."""
    w = make_world("acme", other_brand="globex", agents_manage_requests=True)
    w.brand.host_mapping, w.other_brand.host_mapping = "acme.localhost", "globex.localhost"
    db.session.commit()
    return w
