"""can_assist / can_register_users only for agents and admins: a light agent's would do nothing,
so the members page does not offer them and the server refuses them (policy.may_hold_assist_capabilities)."""
import pytest
from sqlalchemy import func, select

from portal.auth.models import Invitation, User
from portal.brands.models import Membership
from portal.extensions import db

from tests.conftest import invitation_link

from .conftest import audit_actions

REFUSAL = "Only agents and admins may assist users or register them."
CAPABILITIES = ("can_assist", "can_register_users")


def membership(user, brand):
    db.session.expire_all()
    return db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                      Membership.brand_id == brand.id))


@pytest.mark.parametrize("capability", CAPABILITIES)
def test_a_new_light_agent_with_a_capability_is_refused(client, as_admin, capability):
    users = db.session.scalar(select(func.count(User.id)))
    response = client.post("/acme/admin/members", data={"email": "new@example.com", "name": "Nina New",
                                                        "role": "light_agent", capability: "y"})
    assert response.status_code == 422
    assert REFUSAL in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == users
    assert audit_actions(as_admin.brand) == []


@pytest.mark.parametrize("capability", CAPABILITIES)
def test_a_new_agent_with_a_capability_is_added(client, as_admin, capability):
    response = client.post("/acme/admin/members", data={"email": "new@example.com", "name": "Nina New",
                                                        "role": "agent", capability: "y"})
    assert response.status_code == 302
    invited = db.session.scalar(select(Invitation).where(Invitation.email == "new@example.com"))
    assert (invited.role, getattr(invited, capability)) == ("agent", True)
    client.post(invitation_link("new@example.com"), data={"decision": "accept", "password": "a-long-password"})
    added = db.session.scalar(select(Membership).join(Membership.user).where(User.email == "new@example.com"))
    assert (added.role, getattr(added, capability)) == ("agent", True)


@pytest.mark.parametrize("capability", CAPABILITIES)
def test_a_light_agent_cannot_be_given_a_capability(client, as_admin, capability):
    light = membership(as_admin.light, as_admin.brand)
    response = client.post(f"/acme/admin/members/{light.id}", data={"role": "light_agent", capability: "y"})
    assert response.status_code == 422
    assert REFUSAL in response.get_data(as_text=True)
    light = membership(as_admin.light, as_admin.brand)
    assert (light.role, light.can_assist, light.can_register_users) == ("light_agent", False, False)
    assert audit_actions(as_admin.brand) == []


def test_an_agent_made_light_agent_must_lose_the_capability(client, as_admin):
    agent = membership(as_admin.agent, as_admin.brand)
    response = client.post(f"/acme/admin/members/{agent.id}", data={"role": "light_agent", "can_assist": "y"})
    assert response.status_code == 422 and REFUSAL in response.get_data(as_text=True)
    assert (membership(as_admin.agent, as_admin.brand).role) == "agent"
    response = client.post(f"/acme/admin/members/{agent.id}", data={"role": "light_agent"})
    assert response.status_code == 302
    agent = membership(as_admin.agent, as_admin.brand)
    assert (agent.role, agent.can_assist) == ("light_agent", False)


def test_a_light_agent_made_agent_may_get_the_capabilities(client, as_admin):
    light = membership(as_admin.light, as_admin.brand)
    response = client.post(f"/acme/admin/members/{light.id}",
                           data={"role": "agent", "can_assist": "y", "can_register_users": "y"})
    assert response.status_code == 302
    light = membership(as_admin.light, as_admin.brand)
    assert (light.role, light.can_assist, light.can_register_users) == ("agent", True, True)


def test_members_page_offers_capabilities_to_agents_and_admins_only(client, as_admin):
    html = client.get("/acme/admin/members").get_data(as_text=True)

    def checkbox(person, name):
        member = membership(person, as_admin.brand)
        start = html.index(f'id="member-{member.id}-{name}"')
        return html[start:html.index(">", start)]

    for person in (as_admin.agent, as_admin.admin):
        assert "disabled" not in checkbox(person, "assist") and "disabled" not in checkbox(person, "register")
    for person in (as_admin.light, as_admin.user):
        assert "disabled" in checkbox(person, "assist") and "disabled" in checkbox(person, "register")
    assert "Agents and admins only" in html
