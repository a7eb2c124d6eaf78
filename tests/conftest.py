"""Shared fixtures: an app on a fresh SQLite file per test, a client, and factories."""
import itertools
import os
import re

import pytest

from portal import create_app
from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.models import Brand, Group, GroupMember, Membership, User

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


@pytest.fixture
def app(tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        "MAIL_DROP_DIR": str(tmp_path / "mail"),
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "WTF_CSRF_ENABLED": False,
    })
    with app.app_context():
        db.create_all()
        _serve_each_request_on_its_own(app)
        yield app
        db.session.remove()
        db.engine.dispose()


def _serve_each_request_on_its_own(app):
    """Serve each test request as production does: its own app context, `g` and database session.

    The test keeps one app context pushed, which Flask would reuse for requests, so `g` (and
    Flask-Login's cached user) would leak from one request to the next. The test's own reads are
    committed first: on SQLite a transaction begun outside a GET holds the write lock.
    """
    inner = app.wsgi_app

    def wsgi(environ, start_response):
        db.session.commit()
        with app.app_context():
            return inner(environ, start_response)

    app.wsgi_app = wsgi


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF checks on, for tests that prove forged POSTs are refused."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_brand(app):
    def make(slug=None, name=None, host_mapping=None, **settings):
        slug = slug or f"brand{next(_counter)}"
        brand = Brand(slug=slug, name=name or slug.title(), host_mapping=host_mapping, settings=settings)
        db.session.add(brand)
        db.session.commit()
        return brand
    return make


@pytest.fixture
def make_user(app):
    """make_user(brand=role, ...) or make_user(roles={brand: role}); returns the User."""
    def make(email=None, name=None, roles=None, password=PASSWORD, **fields):
        n = next(_counter)
        email = email or f"user{n}@example.com"
        user = User(
            email=email,
            username=fields.pop("username", email.split("@")[0] + str(n)),
            name=name or f"User {n}",
            password_hash=hash_password(password),
            **fields,
        )
        db.session.add(user)
        db.session.flush()
        for brand, role in (roles or {}).items():
            capabilities = {}
            if isinstance(role, tuple):
                role, capabilities = role[0], role[1]
            db.session.add(Membership(user_id=user.id, brand_id=brand.id, role=role, **capabilities))
        db.session.commit()
        return user
    return make


@pytest.fixture
def make_group(app):
    def make(brand, name=None, members=(), supervisors=(), sensitive=False):
        group = Group(brand_id=brand.id, name=name or f"Group {next(_counter)}", sensitive=sensitive)
        db.session.add(group)
        db.session.flush()
        for user in members:
            db.session.add(GroupMember(group_id=group.id, user_id=user.id, is_supervisor=False))
        for user in supervisors:
            db.session.add(GroupMember(group_id=group.id, user_id=user.id, is_supervisor=True))
        db.session.commit()
        return group
    return make


def signin(client, brand, user_or_email, password=PASSWORD, locale="en"):
    email = getattr(user_or_email, "email", user_or_email)
    return client.post(f"/{brand.slug}/hc/{locale}/signin", data={"email": email, "password": password})


@pytest.fixture
def login(client):
    """login(brand, user) signs the test client in through the real sign-in page."""
    def do(brand, user, password=PASSWORD):
        response = signin(client, brand, user, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response
    return do


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright (select with -m browser)")


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through Playwright; missing chromium fails in CI and skips elsewhere."""
    from tests.live import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} is missing: install Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory):
    """(app, base_url, port): the demo data served by a real HTTP server on a free loopback port,
    one for the whole run (the browser tests only add to it)."""
    from tests.live import demo_server

    with demo_server(tmp_path_factory.mktemp("live")) as site:
        yield site


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def invitation_link(email: str) -> str:
    """The path of the latest invitation mailed to this address (what its recipient clicks)."""
    from sqlalchemy import select

    from portal.mail.models import MailOutbox

    mail = db.session.scalar(select(MailOutbox).where(MailOutbox.to_email == email, MailOutbox.kind == "invitation")
                             .order_by(MailOutbox.id.desc()))
    assert mail is not None, f"no invitation mailed to {email}"
    match = re.search(r"https?://[^/\s]+(/\S+/invitation/\S+)", mail.body)
    assert match, "no invitation link in the mail"
    return match.group(1)
