"""While assisting, the profile page is the assisted user's; the agent's own stays untouched."""
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.extensions import db

PROFILE = "/acme/hc/en/profile"


def _profile_form(user, **changes):
    data = {"name": user.name, "username": user.username, "phone": user.phone or "",
            "address": user.address or "", "locale": user.locale or "en"}
    data.update(changes)
    return data


def test_profile_edit_while_assisting_is_the_users_and_audited_with_both(client, world, assisting):
    page = client.get(PROFILE).get_data(as_text=True)
    assert "user@example.com" in page
    assert "Active sessions" not in page and "API tokens" not in page  # the agent's own, hidden

    response = client.post(PROFILE, data=_profile_form(world.user, address="1 rue Neuve, 75001 Paris"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world.user.id).address == "1 rue Neuve, 75001 Paris"
    assert db.session.get(User, world.agent.id).address is None
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.profile_changed")).one()
    assert (event.actor_id, event.on_behalf_of_id, event.object_id) == (world.agent.id, world.user.id,
                                                                         world.user.id)


def test_profile_without_assisting_is_ones_own(client, world, login):
    login(world.brand, world.agent)
    page = client.get(PROFILE).get_data(as_text=True)
    assert "agent@example.com" in page and "Active sessions" in page
    assert client.post(PROFILE, data=_profile_form(world.agent, phone="+33 1 23 45 67 89")).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, world.agent.id).phone == "+33 1 23 45 67 89"
    assert db.session.get(User, world.user.id).phone == "+33 6 12 34 56 78"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.profile_changed")).one()
    assert (event.actor_id, event.on_behalf_of_id) == (world.agent.id, None)
