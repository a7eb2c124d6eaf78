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
from portal.models import TicketField, TicketForm
from portal.tickets.models import FormField
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
def world(make_brand, make_user, make_group):
    """Two brands as in the demo: acme lets agents manage requests, globex does not."""
    acme = make_brand("acme", host_mapping="acme.localhost", agents_manage_requests=True)
    globex = make_brand("globex", host_mapping="globex.localhost")
    people = {
        "user": make_user("user@example.com", roles={acme: "end_user", globex: "end_user"}),
        "other": make_user("niels@example.com", roles={acme: "end_user"}),
        "agent": make_user("agent@example.com", roles={acme: "agent", globex: "end_user"}),
        "light": make_user("light@example.com", roles={acme: "light_agent"}),
        "rh": make_user("rh@example.com", roles={globex: "agent"}),
    }
    support = make_group(acme, "Support", members=[people["agent"], people["light"]])
    form = TicketForm(brand_id=acme.id, name="General request", end_user_visible=True, default_group_id=support.id)
    incident = TicketForm(brand_id=acme.id, name="Incident", end_user_visible=False)
    category = TicketField(brand_id=acme.id, title="Category", field_type="dropdown",
                           options=["hardware", "software"], portal_access="editable", required_in_portal=True)
    internal = TicketField(brand_id=acme.id, title="Internal priority", field_type="dropdown",
                           options=["low", "high"], portal_access="agent_only", required_to_solve=True)
    db.session.add_all([form, incident, category, internal])
    db.session.flush()
    db.session.add_all([FormField(form_id=form.id, field_id=category.id, position=1),
                        FormField(form_id=form.id, field_id=internal.id, position=2)])
    db.session.commit()
    return dict(acme=acme, globex=globex, support=support, form=form, incident=incident,
                category=category, internal=internal, **people)
