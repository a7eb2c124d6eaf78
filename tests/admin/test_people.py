"""Members (roles, capabilities, the last admin) and groups (agents, supervisors, sensitive)."""
import re

import pytest
from sqlalchemy import func, select

from portal.auth.models import Invitation, User
from portal.brands.models import Group, GroupMember, Membership
from portal.extensions import db

from tests.conftest import invitation_link

from .conftest import audit_actions, audit_events, count_queries


def membership(user, brand):
    return db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                      Membership.brand_id == brand.id))


def test_members_page_lists_roles_and_capabilities(client, as_admin):
    html = client.get("/acme/admin/members").get_data(as_text=True)
    for person in ("Ada Admin", "Sarah Agent", "Louis Light", "Haru Tanaka", "Gil Globex"):
        assert person in html
    agent_row = html[html.index("Sarah Agent"):html.index("Sarah Agent") + 2500]
    assert 'value="agent" selected' in agent_row
    assert 'name="can_assist" value="y" checked' in agent_row


def test_add_an_existing_user_by_email_invites_them(client, as_admin, app):
    marie = as_admin.outsider  # an end user of globex only, with a phone number
    response = client.post("/acme/admin/members", data={"email": "Marie@Example.com", "role": "agent",
                                                        "can_assist": "y"})
    assert response.status_code == 302
    assert membership(marie, as_admin.brand) is None  # not a member until she accepts
    assert audit_actions(as_admin.brand) == ["invitation.sent"]
    page = client.get("/acme/admin/members").get_data(as_text=True)
    assert "marie@example.com" in page and "Marie Curie" not in page and "11 22 33 44" not in page
    # A second invitation keeps the first as it is (no second mail); a member is refused.
    assert client.post("/acme/admin/members", data={"email": "marie@example.com", "role": "end_user"}
                       ).status_code == 302
    assert audit_actions(as_admin.brand) == ["invitation.sent"]
    marie_client = app.test_client()
    assert marie_client.post(invitation_link("marie@example.com"), data={"decision": "accept"}).status_code == 302
    added = membership(marie, as_admin.brand)
    assert (added.role, added.can_assist, added.can_register_users) == ("agent", True, False)
    assert client.post("/acme/admin/members", data={"email": "marie@example.com", "role": "end_user"}
                       ).status_code == 409


def test_add_a_new_email_answers_as_for_an_existing_account(client, as_admin):
    answers = []
    for email in ("pauli@example.com", "marie@example.com"):  # a new address, then the outsider's
        response = client.post("/acme/admin/members", data={"email": email, "name": "N", "role": "end_user"},
                               follow_redirects=True)
        assert response.status_code == 200
        flashed = re.search(r'role="alert"[^>]*>(.*?)<', response.get_data(as_text=True), re.S).group(1)
        answers.append(flashed.replace(email, "X"))
    assert answers[0] == answers[1] and "An invitation was sent to X" in answers[0]
    pauli = db.session.scalar(select(User).where(User.email == "pauli@example.com"))
    assert pauli.name == "pauli" and pauli.password_hash is None and membership(pauli, as_admin.brand) is None
    # Only invitations in the brand's log: nothing says one account was new.
    assert audit_actions(as_admin.brand) == ["invitation.sent", "invitation.sent"]


def test_an_invitation_can_be_withdrawn(client, as_admin, app):
    client.post("/acme/admin/members", data={"email": "pauli@example.com", "role": "end_user"})
    link = invitation_link("pauli@example.com")
    invitation = db.session.scalar(select(Invitation))
    other_brand = client.post(f"/globex/admin/invitations/{invitation.id}/withdraw")
    assert other_brand.status_code == 404
    assert client.post(f"/acme/admin/invitations/{invitation.id}/withdraw").status_code == 302
    assert db.session.scalar(select(Invitation)) is None
    assert app.test_client().get(link).status_code == 404


@pytest.mark.parametrize("data, status, message", [
    ({"email": "not an email", "name": "X", "role": "end_user"}, 422, "Enter a valid e-mail address."),
    ({"email": "new@example.com", "name": "X", "role": "owner"}, 422, "Not a valid choice"),
    ({"email": "new@example.com", "name": "X", "role": "end_user", "can_assist": "y"}, 422,
     "Only agents and admins may assist users or register them."),
])
def test_bad_new_members_are_refused(client, as_admin, data, status, message):
    users = db.session.scalar(select(func.count(User.id)))
    response = client.post("/acme/admin/members", data=data)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == users
    assert audit_actions(as_admin.brand) == []


def test_set_role_and_capabilities(client, as_admin):
    light = membership(as_admin.light, as_admin.brand)
    response = client.post(f"/acme/admin/members/{light.id}", data={"role": "agent", "can_register_users": "y"})
    assert response.status_code == 302
    db.session.refresh(light)
    assert (light.role, light.can_assist, light.can_register_users) == ("agent", False, True)
    [event] = audit_events(as_admin.brand, "membership.set")
    assert (event.data["old_role"], event.data["role"], event.actor_id) == ("light_agent", "agent", as_admin.admin.id)


def test_demoting_an_agent_takes_them_out_of_groups(client, as_admin, make_group):
    support = make_group(as_admin.brand, "Support", members=[as_admin.agent])
    agent = membership(as_admin.agent, as_admin.brand)
    client.post(f"/acme/admin/members/{agent.id}", data={"role": "end_user"})
    assert db.session.scalar(select(func.count(GroupMember.id)).where(GroupMember.group_id == support.id)) == 0


def test_the_last_admin_cannot_be_demoted_or_removed(client, as_admin):
    admin = membership(as_admin.admin, as_admin.brand)
    response = client.post(f"/acme/admin/members/{admin.id}", data={"role": "agent"})
    assert response.status_code == 409
    assert "needs at least one admin" in response.get_data(as_text=True)
    assert client.post(f"/acme/admin/members/{admin.id}/remove").status_code == 409
    db.session.refresh(admin)
    assert admin.role == "admin"
    assert audit_actions(as_admin.brand) == []


def test_an_admin_can_step_down_when_another_admin_remains(client, as_admin):
    agent = membership(as_admin.agent, as_admin.brand)
    client.post(f"/acme/admin/members/{agent.id}", data={"role": "admin"})
    me = membership(as_admin.admin, as_admin.brand)
    response = client.post(f"/acme/admin/members/{me.id}", data={"role": "agent"})
    assert response.status_code == 302 and "/acme/hc/" in response.headers["Location"]
    assert client.get("/acme/admin/").status_code == 404


def test_remove_a_member(client, as_admin, make_group):
    support = make_group(as_admin.brand, "Support", members=[as_admin.light])
    light = membership(as_admin.light, as_admin.brand)
    assert client.post(f"/acme/admin/members/{light.id}/remove").status_code == 302
    assert membership(as_admin.light, as_admin.brand) is None
    assert db.session.scalar(select(func.count(GroupMember.id)).where(GroupMember.group_id == support.id)) == 0
    [event] = audit_events(as_admin.brand, "membership.remove")
    assert (event.data["user_id"], event.data["role"], event.data["group_ids"]) == (
        as_admin.light.id, "light_agent", [support.id])


def test_another_brands_membership_is_404(client, as_admin):
    theirs = membership(as_admin.other_admin, as_admin.other_brand)
    assert client.post(f"/acme/admin/members/{theirs.id}", data={"role": "end_user"}).status_code == 404
    assert client.post(f"/acme/admin/members/{theirs.id}/remove").status_code == 404
    db.session.refresh(theirs)
    assert theirs.role == "admin"


def test_create_rename_and_mark_a_group_sensitive(client, as_admin, make_group):
    response = client.post("/acme/admin/groups", data={"name": "Payroll"})
    assert response.status_code == 302
    group = db.session.scalar(select(Group).where(Group.brand_id == as_admin.brand.id))
    assert (group.name, group.sensitive) == ("Payroll", False)
    client.post(f"/acme/admin/groups/{group.id}", data={"name": "Paie", "sensitive": "y"})
    db.session.refresh(group)
    assert (group.name, group.sensitive) == ("Paie", True)
    assert "sensitive" in client.get("/acme/admin/groups").get_data(as_text=True)
    assert audit_actions(as_admin.brand) == ["group.create", "group.update"]
    make_group(as_admin.other_brand, "Support")  # the same name in another brand is fine
    assert client.post("/acme/admin/groups", data={"name": "Support"}).status_code == 302
    assert client.post("/acme/admin/groups", data={"name": "paie"}).status_code == 409
    assert client.post("/acme/admin/groups", data={"name": " "}).status_code == 422
    assert client.post(f"/acme/admin/groups/{group.id}", data={"name": "Support"}).status_code == 409


def test_agents_in_groups_and_supervisors(client, as_admin, make_group):
    group = make_group(as_admin.brand, "Support")
    page = client.get(f"/acme/admin/groups/{group.id}").get_data(as_text=True)
    assert "Sarah Agent" in page and "Louis Light" in page and "Haru Tanaka" not in page
    assert client.post(f"/acme/admin/groups/{group.id}/members",
                       data={"user_id": as_admin.agent.id, "is_supervisor": "y"}).status_code == 302
    client.post(f"/acme/admin/groups/{group.id}/members", data={"user_id": as_admin.light.id})
    members = {m.user_id: m.is_supervisor for m in db.session.scalars(select(GroupMember))}
    assert members == {as_admin.agent.id: True, as_admin.light.id: False}
    client.post(f"/acme/admin/groups/{group.id}/members/{as_admin.light.id}/supervisor", data={"is_supervisor": "1"})
    client.post(f"/acme/admin/groups/{group.id}/members/{as_admin.agent.id}/remove")
    members = {m.user_id: m.is_supervisor for m in db.session.scalars(select(GroupMember))}
    assert members == {as_admin.light.id: True}
    assert audit_actions(as_admin.brand) == ["group.member_add", "group.member_add", "group.supervisor_set",
                                             "group.member_remove"]


@pytest.mark.parametrize("who, status", [("end_user", 422), ("other_admin", 422), ("outsider", 404),
                                         ("already", 409)])
def test_who_cannot_join_a_group(client, as_admin, make_group, make_user, who, status):
    group = make_group(as_admin.brand, "Support", members=[as_admin.agent])
    person = {"end_user": as_admin.user, "other_admin": as_admin.other_admin, "already": as_admin.agent,
              "outsider": make_user(roles={as_admin.other_brand: "agent"})}[who]
    assert client.post(f"/acme/admin/groups/{group.id}/members", data={"user_id": person.id}).status_code == status
    assert db.session.scalar(select(func.count(GroupMember.id))) == 1


def test_another_brands_group_is_404(client, as_admin, make_group):
    theirs = make_group(as_admin.other_brand, "Paie", members=[as_admin.other_admin])
    assert client.get(f"/acme/admin/groups/{theirs.id}").status_code == 404
    assert client.post(f"/acme/admin/groups/{theirs.id}", data={"name": "X"}).status_code == 404
    assert client.post(f"/acme/admin/groups/{theirs.id}/members", data={"user_id": as_admin.agent.id}).status_code == 404
    assert client.post(f"/acme/admin/groups/{theirs.id}/members/{as_admin.other_admin.id}/remove").status_code == 404
    assert db.session.scalar(select(func.count(GroupMember.id))) == 1


def test_member_and_group_lists_queries_do_not_grow(client, as_admin, make_user):
    def queries_for(path):
        return count_queries(client, path)

    def add_agents_in_groups(n):
        for _ in range(n):
            person = make_user(roles={as_admin.brand: "agent"})
            group = Group(brand_id=as_admin.brand.id, name=f"G{person.id}")
            db.session.add(group)
            db.session.flush()
            db.session.add(GroupMember(group_id=group.id, user_id=person.id))
        db.session.commit()

    add_agents_in_groups(1)
    before = queries_for("/acme/admin/members"), queries_for("/acme/admin/groups")
    add_agents_in_groups(5)
    assert (queries_for("/acme/admin/members"), queries_for("/acme/admin/groups")) == before
