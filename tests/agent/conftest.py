"""A small workspace world: brand acme with Support (agent, light agent, supervisor), an end user,
a form with an agent-only field required to solve, and a ticket factory."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from portal.extensions import db
from portal.models import Comment, FormField, Ticket, TicketField, TicketForm
from portal.models_base import utcnow
# The same request hygiene as the account tests: no test transaction holding the write lock
# while a request runs, and a fresh `g` per request.


class World:
    pass


@pytest.fixture
def world(app, make_brand, make_user, make_group):
    w = World()
    w.brand = make_brand("acme")
    w.other_brand = make_brand("globex")
    w.agent = make_user(name="Sarah Agent", roles={w.brand: "agent"})
    w.agent2 = make_user(name="Alan Agent", roles={w.brand: "agent"})
    w.outsider = make_user(name="Olga Outsider", roles={w.brand: "agent"})
    w.light = make_user(name="Louis Light", roles={w.brand: "light_agent"})
    w.supervisor = make_user(name="Sam Super", roles={w.brand: "agent"})
    w.user = make_user(name="Haru Tanaka", roles={w.brand: "end_user", w.other_brand: "end_user"})
    w.globex_agent = make_user(name="Remi RH", roles={w.other_brand: "agent"})
    w.support = make_group(w.brand, "Support", members=[w.agent, w.agent2, w.light], supervisors=[w.supervisor])
    w.security = make_group(w.brand, "Security", members=[w.outsider])
    w.paie = make_group(w.other_brand, "Paie", members=[w.globex_agent])
    w.form = TicketForm(brand_id=w.brand.id, name="General request", end_user_visible=True,
                        default_group_id=w.support.id)
    w.incident = TicketForm(brand_id=w.brand.id, name="Incident", end_user_visible=False)
    w.category = TicketField(brand_id=w.brand.id, title="Category", field_type="dropdown",
                             options=["hardware", "software"], portal_access="editable")
    w.internal_priority = TicketField(brand_id=w.brand.id, title="Internal priority", field_type="dropdown",
                                      options=["low", "high"], portal_access="agent_only", required_to_solve=True)
    db.session.add_all([w.form, w.incident, w.category, w.internal_priority])
    db.session.flush()
    db.session.add_all([FormField(form_id=w.form.id, field_id=w.category.id, position=1),
                        FormField(form_id=w.form.id, field_id=w.internal_priority.id, position=2),
                        FormField(form_id=w.incident.id, field_id=w.internal_priority.id, position=1)])
    db.session.commit()
    return w


@pytest.fixture
def make_ticket(world):
    def make(brand=None, requester=None, status="open", group=None, assignee=None, subject="Printer jams",
             form=None, internal_note=None, public=True, age_minutes=0, **fields):
        brand = brand or world.brand
        requester = requester or world.user
        now = utcnow() - timedelta(minutes=age_minutes)
        ticket = Ticket(brand_id=brand.id, subject=subject, status=status, requester_id=requester.id,
                        submitter_id=requester.id, group_id=group.id if group else None,
                        assignee_id=assignee.id if assignee else None, form_id=form.id if form else None,
                        is_public=public, created_at=now, updated_at=now,
                        solved_at=now if status in ("solved", "closed") else None, **fields)
        db.session.add(ticket)
        db.session.flush()
        db.session.add(Comment(ticket_id=ticket.id, author_id=requester.id, body="It jams.", is_public=public))
        if internal_note:
            db.session.add(Comment(ticket_id=ticket.id, author_id=world.agent.id, body=internal_note,
                                   is_public=False))
        db.session.commit()
        return ticket
    return make


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
