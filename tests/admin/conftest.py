"""The admin tests' world: the shared cast (tests/conftest.py) without groups, fields or forms, which
these tests build through the admin pages; plus Gil, admin of globex and an end user of acme."""
import pytest
from sqlalchemy import event, select

from portal.audit.models import AuditEvent
from portal.extensions import db


@pytest.fixture
def world(make_world, make_user):
    w = make_world("acme", other_brand="globex", people_only=True, capabilities={"agent": {"can_assist": True}})
    w.other_admin = make_user(name="Gil Globex", roles={w.other_brand: "admin", w.brand: "end_user"})
    return w


@pytest.fixture
def as_admin(world, login):
    login(world.brand, world.admin)
    return world


def audit_actions(brand):
    return list(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.brand_id == brand.id).order_by(AuditEvent.id)
    ))


def audit_events(brand, action):
    return list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.brand_id == brand.id, AuditEvent.action == action).order_by(AuditEvent.id)
    ))


def count_queries(client, path) -> int:
    """SQL statements run to serve one GET (which must succeed)."""
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)
