"""Issue 14 item 2: a refused change to a member re-renders the members page with the policy's
reason, and the button that cannot work is disabled with that reason; removing asks first."""
import re

from sqlalchemy import select

from portal.brands.models import Membership
from portal.extensions import db


def _membership(user, brand):
    return db.session.scalar(select(Membership).where(Membership.user_id == user.id, Membership.brand_id == brand.id))


def _remove_button(page: str, membership_id: int) -> str:
    match = re.search(rf'action="[^"]*/members/{membership_id}/remove"[^>]*>.*?</form>', page, re.S)
    assert match, "no Remove form for this member"
    return match.group(0)


REASON = "This help centre needs at least one admin: make someone else an admin first."


def test_the_last_admins_remove_button_is_disabled_with_the_reason(client, as_admin):
    me = _membership(as_admin.admin, as_admin.brand)
    agent = _membership(as_admin.agent, as_admin.brand)
    page = client.get("/acme/admin/members").get_data(as_text=True)
    mine = _remove_button(page, me.id)
    assert "disabled" in mine and REASON in mine
    # Another member's Remove asks first: a link to the confirmation page, not a form.
    assert f'href="/acme/admin/members/{agent.id}/remove"' in page
    assert f'action="/acme/admin/members/{agent.id}/remove"' not in page


def test_removing_a_member_asks_first(client, as_admin):
    agent = _membership(as_admin.agent, as_admin.brand)
    page = client.get(f"/acme/admin/members/{agent.id}/remove").get_data(as_text=True)
    assert f"Remove {as_admin.agent.name} from" in page and as_admin.agent.email in page
    assert f'action="/acme/admin/members/{agent.id}/remove"' in page and "disabled" not in _remove_button(page, agent.id)
    db.session.expire_all()
    assert _membership(as_admin.agent, as_admin.brand) is not None  # asking removed nobody
    assert client.post(f"/acme/admin/members/{agent.id}/remove").status_code == 302
    assert _membership(as_admin.agent, as_admin.brand) is None


def test_the_confirmation_for_the_last_admin_says_why_it_cannot(client, as_admin):
    me = _membership(as_admin.admin, as_admin.brand)
    page = client.get(f"/acme/admin/members/{me.id}/remove").get_data(as_text=True)
    assert REASON in page and "disabled" in _remove_button(page, me.id)


def test_a_refused_removal_stays_on_the_members_page_with_the_reason(client, as_admin):
    me = _membership(as_admin.admin, as_admin.brand)
    response = client.post(f"/acme/admin/members/{me.id}/remove")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'id="member-error"' in page and REASON in page
    assert "<h1 class=\"h3\">Members</h1>" in page  # the page it came from, not a bare error page


def test_a_refused_demotion_stays_on_the_members_page_with_the_reason(client, as_admin):
    me = _membership(as_admin.admin, as_admin.brand)
    response = client.post(f"/acme/admin/members/{me.id}", data={"role": "agent"})
    assert response.status_code == 409 and REASON in response.get_data(as_text=True)
    assert 'id="member-error"' in response.get_data(as_text=True)
    db.session.refresh(me)
    assert me.role == "admin"


def test_with_a_second_admin_the_button_is_enabled_and_removal_works(client, as_admin):
    agent = _membership(as_admin.agent, as_admin.brand)
    agent.role = "admin"
    db.session.commit()
    me = _membership(as_admin.admin, as_admin.brand)
    page = client.get("/acme/admin/members").get_data(as_text=True)
    assert f'href="/acme/admin/members/{me.id}/remove"' in page
    assert client.post(f"/acme/admin/members/{agent.id}/remove").status_code == 302
