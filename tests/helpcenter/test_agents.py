"""Agents in the help centre (DESIGN §5): the redirect when off, limits 1-6 when on, per-brand roles."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Comment, Membership, Ticket

from .conftest import hc


def fresh(ticket):
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def general_post(w, subject="Need a monitor"):
    return {"subject": subject, "description": "A second one", f"field_{w.category.id}": "hardware"}


@pytest.mark.parametrize("role", ["light", "agent", "admin"])
def test_setting_off_sends_staff_to_the_workspace(client, make_world, login, role):
    w = make_world("acme")
    person = getattr(w, role)
    ticket = w.make_ticket(person)
    login(w.brand, person)
    response = client.get(hc(w, f"requests/new?ticket_form_id={w.general.id}"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/acme/agent/tickets/new?ticket_form_id={w.general.id}"
    response = client.get(hc(w, f"requests/{ticket.id}"))
    assert response.status_code == 302 and response.headers["Location"] == f"/acme/agent/tickets/{ticket.id}"
    response = client.post(hc(w, f"requests/new?ticket_form_id={w.general.id}"), data=general_post(w))
    assert response.status_code == 302 and "/agent/tickets/new" in response.headers["Location"]
    response = client.post(hc(w, f"requests/{ticket.id}/comments"), data={"body": "hi"})
    assert response.status_code == 302 and "/agent/tickets/" in response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 1


def test_setting_off_end_user_is_not_redirected(client, make_world, login):
    w = make_world("acme")
    login(w.brand, w.user)
    assert client.get(hc(w, f"requests/new?ticket_form_id={w.general.id}")).status_code == 200


def test_agent_submits_an_end_user_form_and_agent_requirements_never_apply(client, world, login):
    login(world.brand, world.agent)
    page = client.get(hc(world, f"requests/new?ticket_form_id={world.general.id}")).get_data(as_text=True)
    assert "Internal priority" not in page and "Reference" not in page
    response = client.post(hc(world, f"requests/new?ticket_form_id={world.general.id}"), data=general_post(world))
    assert response.status_code == 302
    ticket = db.session.scalar(select(Ticket))
    assert ticket.requester_id == world.agent.id and ticket.is_public
    assert response.headers["Location"].endswith(f"/requests/{ticket.id}")


def test_agent_cannot_use_an_agent_only_form_in_the_help_centre(client, world, login):
    login(world.brand, world.agent)
    assert client.get(hc(world, f"requests/new?ticket_form_id={world.incident.id}")).status_code == 404
    assert "Incident" not in client.get(hc(world)).get_data(as_text=True)


def test_light_agent_request_is_an_internal_note_and_not_in_my_activities(client, world, login):
    login(world.brand, world.light)
    response = client.post(hc(world, f"requests/new?ticket_form_id={world.general.id}"),
                           data=general_post(world, "Light request"))
    ticket = db.session.scalar(select(Ticket))
    assert response.status_code == 302 and response.headers["Location"] == f"/acme/agent/tickets/{ticket.id}"
    assert not ticket.is_public
    assert [c.is_public for c in ticket.comments] == [False]
    assert "Light request" not in client.get(hc(world, "requests")).get_data(as_text=True)
    assert client.get(hc(world, f"requests/{ticket.id}")).status_code == 302  # to the workspace


def test_light_agent_comments_are_internal_and_notes_hidden_from_them(client, world, login, make_ticket):
    ticket = make_ticket(world.user, status="pending", ccs=[world.light])
    db.session.add(Comment(ticket_id=ticket.id, author_id=world.agent.id, body="agents only", is_public=False))
    db.session.commit()
    login(world.brand, world.light)
    assert "agents only" not in client.get(hc(world, f"requests/{ticket.id}")).get_data(as_text=True)
    assert client.post(hc(world, f"requests/{ticket.id}/comments"), data={"body": "light says"}).status_code == 302
    comment = db.session.scalar(select(Comment).where(Comment.body == "light says"))
    assert comment.is_public is False and fresh(ticket).status == "pending"
    assert "light says" not in client.get(hc(world, f"requests/{ticket.id}")).get_data(as_text=True)


@pytest.mark.parametrize("status", ["pending", "hold", "solved"])
def test_agent_comment_does_not_reopen(client, world, login, make_ticket, status):
    ticket = make_ticket(world.agent, status=status, assignee=world.admin)
    login(world.brand, world.agent)
    assert client.post(hc(world, f"requests/{ticket.id}/comments"), data={"body": "ping"}).status_code == 302
    assert fresh(ticket).status == status
    comment = db.session.scalar(select(Comment).where(Comment.body == "ping"))
    assert comment.is_public


@pytest.mark.parametrize("role", ["light", "agent", "admin"])
def test_staff_cannot_mark_solved_or_rate(client, world, login, make_ticket, role):
    person = getattr(world, role)
    open_ticket = make_ticket(person, status="open", assignee=world.agent)
    solved = make_ticket(person, status="solved", assignee=world.agent)
    login(world.brand, person)
    page = client.get(hc(world, f"requests/{open_ticket.id}")).get_data(as_text=True)
    assert "Mark as solved" not in page
    response = client.post(hc(world, f"requests/{open_ticket.id}/solve"))
    assert response.status_code == 403
    assert "Agents cannot mark a request as solved in the help centre" in response.get_data(as_text=True)
    assert "How would you rate" not in client.get(hc(world, f"requests/{solved.id}")).get_data(as_text=True)
    response = client.post(hc(world, f"requests/{solved.id}/rating"), data={"score": "good"})
    assert response.status_code == 403 and "Agents cannot rate requests." in response.get_data(as_text=True)
    assert fresh(open_ticket).status == "open" and fresh(solved).rating is None


def test_refusal_page_follows_the_url_locale(client, world, login, make_ticket):
    ticket = make_ticket(world.agent, status="open", assignee=world.agent)
    login(world.brand, world.agent)
    response = client.post(f"/acme/hc/fr/requests/{ticket.id}/solve")
    assert response.status_code == 403
    assert '<html lang="fr">' in response.get_data(as_text=True)


def test_multi_department_warning(client, make_world, login):
    w = make_world("acme", agents_manage_requests=True)
    url = hc(w, f"requests/new?ticket_form_id={w.security_report.id}")
    warning = "you will see every conversation on it"
    login(w.brand, w.agent)
    assert warning in client.get(url).get_data(as_text=True)
    assert warning not in client.get(hc(w, f"requests/new?ticket_form_id={w.general.id}")).get_data(as_text=True)
    w.brand.settings = {"agents_manage_requests": True, "hide_internal_notes_from_agent_requesters": True}
    db.session.commit()
    assert warning not in client.get(url).get_data(as_text=True)
    client.post(hc(w, "signout"))
    w.brand.settings = {"agents_manage_requests": True}
    db.session.commit()
    login(w.brand, w.user)
    assert warning not in client.get(url).get_data(as_text=True)


def test_agent_of_one_brand_is_an_ordinary_end_user_in_another(client, make_world, login):
    a = make_world("acme", agents_manage_requests=False)
    b = make_world("globex")
    db.session.add(Membership(user_id=a.agent.id, brand_id=b.brand.id, role="end_user"))
    db.session.commit()
    person = a.agent
    pending = b.make_ticket(person, status="pending", assignee=b.agent)
    open_ticket = b.make_ticket(person, status="open", assignee=b.agent)
    solved = b.make_ticket(person, status="solved", assignee=b.agent)
    login(b.brand, person)
    assert client.get(hc(b, f"requests/new?ticket_form_id={b.general.id}")).status_code == 200
    assert client.post(hc(b, f"requests/{pending.id}/comments"), data={"body": "any news?"}).status_code == 302
    assert fresh(pending).status == "open"
    assert client.post(hc(b, f"requests/{open_ticket.id}/solve")).status_code == 302
    assert fresh(open_ticket).status == "solved"
    assert client.post(hc(b, f"requests/{solved.id}/rating"), data={"score": "good"}).status_code == 302
    assert fresh(solved).rating == "good"
    # ...while in their own brand, with the setting off, the help centre sends them to the workspace.
    response = client.get(hc(a, f"requests/new?ticket_form_id={a.general.id}"))
    assert response.status_code == 302 and "/acme/agent/tickets/new" in response.headers["Location"]
