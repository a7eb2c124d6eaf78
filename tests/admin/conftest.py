"""A brand with one person of each role, and an admin of another brand."""
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select

from portal.audit.models import AuditEvent
from portal.extensions import db


@pytest.fixture
def acme(make_brand, make_user):
    brand = make_brand("acme", "Acme IT")
    other = make_brand("globex", "Globex HR")
    return SimpleNamespace(
        brand=brand,
        other=other,
        admin=make_user(name="Ada Admin", roles={brand: "admin"}),
        agent=make_user(name="Sarah Agent", roles={brand: ("agent", {"can_assist": True})}),
        light=make_user(name="Louis Light", roles={brand: "light_agent"}),
        end_user=make_user(name="Haru Tanaka", roles={brand: "end_user"}),
        other_admin=make_user(name="Gil Globex", roles={other: "admin", brand: "end_user"}),
    )


@pytest.fixture
def as_admin(acme, login):
    login(acme.brand, acme.admin)
    return acme


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
