"""Shared fixtures: an app on a fresh SQLite file per test, a client, and factories."""
import itertools
import os
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from portal import create_app
from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.models import (Brand, Comment, FieldCondition, FormField, Group, GroupMember, Membership, Ticket,
                           TicketCollaborator, TicketField, TicketForm, User)
from portal.models_base import utcnow

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


@pytest.fixture
def app(tmp_path):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
        "ATTACHMENTS_DIR": str(tmp_path / "attachments"),
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


@pytest.fixture
def make_field(app):
    def make(brand, title, field_type="text", options=(), portal_access="editable", required_in_portal=False,
             required_to_solve=False):
        field = TicketField(brand_id=brand.id, title=title, field_type=field_type, options=list(options),
                            portal_access=portal_access, required_in_portal=required_in_portal,
                            required_to_solve=required_to_solve)
        db.session.add(field)
        db.session.commit()
        return field
    return make


@pytest.fixture
def make_form(app):
    """make_form(brand, name, fields=(), position=0, end_user_visible=True, group=None): the fields in order."""
    def make(brand, name, fields=(), position=0, end_user_visible=True, group=None):
        form = TicketForm(brand_id=brand.id, name=name, position=position, end_user_visible=end_user_visible,
                          default_group_id=group.id if group else None)
        db.session.add(form)
        db.session.flush()
        for i, field in enumerate(fields):
            db.session.add(FormField(form_id=form.id, field_id=field.id, position=i))
        db.session.commit()
        return form
    return make


BRAND_NAMES = {"acme": "Acme IT", "globex": "Globex HR"}  # as in the demo


class World(SimpleNamespace):
    """One brand (`brand`) with a cast of every role, groups, fields of every kind and forms; built
    by `make_world`. With a second brand (`other_brand`) some of the cast belong to it too.

    people            role in `brand`                       also
    user              end user ("Haru Tanaka")              end user of other_brand
    other             end user ("Niels Bohr")
    inactive          end user, deactivated
    light             light agent, in Support
    agent             agent, in Support                     end user of other_brand
    agent2            agent, in Support
    supervisor        agent, supervises Support
    security_agent    agent, in Security only
    admin             admin
    outsider          none ("Marie Curie")                  end user of other_brand
    globex_agent      none                                  agent of other_brand, in Paie

    groups    support, security (sensitive, no supervisor); paie in other_brand
    fields    category (dropdown, required in the portal), reference (read only), internal_priority
              (agent only, required to solve), device, serial, notes (textarea), tags (multiselect),
              consent (checkbox), when (date), count (number)
    forms     general (end users, Support), incident (agents only), security_report (Security; the
              serial shows to end users only for a laptop); other_brand has demande
    """

    def make_ticket(self, requester=None, *, brand=None, status="open", group="support", assignee=None,
                    form=None, subject="Printer jams", public=True, ccs=(), internal_note=None, age_minutes=0,
                    solved_at=None, **fields):
        """A ticket with its first comment (by the requester); in `brand`'s Support group unless told
        (another brand's ticket has no group unless told)."""
        brand = brand or self.brand
        requester = requester or self.user
        if group == "support":
            group = self.support if brand is self.brand else None
        now = utcnow() - timedelta(minutes=age_minutes)
        if solved_at is None and status in ("solved", "closed"):
            solved_at = now
        ticket = Ticket(brand_id=brand.id, subject=subject, status=status, requester_id=requester.id,
                        submitter_id=requester.id, group_id=group.id if group else None,
                        assignee_id=assignee.id if assignee else None, form_id=form.id if form else None,
                        is_public=public, created_at=now, updated_at=now, solved_at=solved_at, **fields)
        db.session.add(ticket)
        db.session.flush()
        db.session.add(Comment(ticket_id=ticket.id, author_id=requester.id, body="It jams.", is_public=public))
        if internal_note:
            db.session.add(Comment(ticket_id=ticket.id, author_id=self.agent.id, body=internal_note, is_public=False))
        for person in ccs:
            db.session.add(TicketCollaborator(ticket_id=ticket.id, user_id=person.id))
        db.session.commit()
        return ticket


@pytest.fixture
def make_world(app, make_brand, make_user, make_group, make_field, make_form):
    """make_world(slug="acme", other_brand=None, capabilities=None, people_only=False, **settings) -> World.

    `settings` are the brand's; `other_brand` (a slug) adds a second brand; `capabilities` gives
    members capabilities, e.g. {"agent": {"can_assist": True}}; `people_only` stops after the cast,
    for tests that build groups, fields and forms themselves. People of the brand "acme" have
    fixed addresses such as agent@example.com; another brand's cast, agent@<slug>.example.com.
    """
    def make(slug="acme", other_brand=None, capabilities=None, people_only=False, **settings):
        brand = make_brand(slug, BRAND_NAMES.get(slug), **settings)
        other = make_brand(other_brand, BRAND_NAMES.get(other_brand)) if other_brand else None
        w = World(brand=brand, other_brand=other)
        domain = "example.com" if slug == "acme" else f"{slug}.example.com"
        capabilities = capabilities or {}

        def person(key, local, name, role, other_role=None, **fields):
            roles = {brand: (role, capabilities[key]) if key in capabilities else role} if role else {}
            if other and other_role:
                roles[other] = other_role
            setattr(w, key, make_user(email=f"{local}@{domain}", name=name, roles=roles, **fields))

        person("user", "user", "Haru Tanaka", "end_user", "end_user", phone="+33 6 12 34 56 78")
        person("other", "niels", "Niels Bohr", "end_user")
        person("inactive", "ivy", "Ivy Inactive", "end_user", active=False)
        person("light", "light", "Louis Light", "light_agent")
        person("agent", "agent", "Sarah Agent", "agent", "end_user")
        person("agent2", "alan", "Alan Agent", "agent")
        person("supervisor", "sam", "Sam Super", "agent")
        person("security_agent", "olga", "Olga Outsider", "agent")
        person("admin", "admin", "Ada Admin", "admin")
        person("outsider", "marie", "Marie Curie", None, "end_user", phone="+33 7 11 22 33 44",
               address="11 rue Pierre et Marie Curie")
        if other:
            person("globex_agent", "rh", "Remi RH", None, "agent")
        if people_only:
            return w
        w.support = make_group(brand, "Support", members=[w.agent, w.agent2, w.light], supervisors=[w.supervisor])
        w.security = make_group(brand, "Security", members=[w.security_agent], sensitive=True)
        if other:
            w.paie = make_group(other, "Paie", members=[w.globex_agent])
            w.demande = make_form(other, "Demande")

        w.category = make_field(brand, "Category", "dropdown", options=["hardware", "software", "access"],
                                required_in_portal=True)
        w.reference = make_field(brand, "Reference", portal_access="read_only")
        w.internal_priority = make_field(brand, "Internal priority", "dropdown", options=["low", "high"],
                                         portal_access="agent_only", required_to_solve=True)
        w.device = make_field(brand, "Device", "dropdown", options=["laptop", "phone"], required_in_portal=True)
        w.serial = make_field(brand, "Laptop serial", required_in_portal=True)
        w.notes = make_field(brand, "Notes", "textarea")
        w.tags = make_field(brand, "Tags", "multiselect", options=["urgent", "vip"])
        w.consent = make_field(brand, "I agree", "checkbox")
        w.when = make_field(brand, "Since", "date")
        w.count = make_field(brand, "Machines", "number")
        w.general = make_form(brand, "General request", [w.category, w.reference, w.internal_priority, w.notes,
                                                         w.tags, w.consent, w.when, w.count], group=w.support)
        w.incident = make_form(brand, "Incident", [w.category, w.internal_priority], position=1,
                               end_user_visible=False)
        w.security_report = make_form(brand, "Security report", [w.device, w.serial], group=w.security, position=2)
        db.session.add(FieldCondition(form_id=w.security_report.id, parent_field_id=w.device.id,
                                      parent_value="laptop", child_field_id=w.serial.id, audience="end_user"))
        db.session.commit()
        return w
    return make


@pytest.fixture
def world(make_world):
    """Brand acme (no settings) and globex, with the cast of `World`."""
    return make_world("acme", other_brand="globex")


@pytest.fixture
def make_ticket(world):
    """The `world`'s make_ticket (World.make_ticket); a test's other worlds have their own."""
    return world.make_ticket


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


def missing_component(reason: str):
    """A real component the test needs is not installed: fail in CI (CI=true), skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through Playwright; missing chromium fails in CI and skips elsewhere."""
    from tests.live import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        missing_component(f"{CHROMIUM} is missing: install Debian's chromium package")
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
