"""New ticket on behalf of a user, with any form (agent-only too) and a chosen channel; the
help centre's redirect for agents lands here."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Comment, Invitation, Ticket, TicketFieldValue, User


def posted(world, **values):
    data = {"requester_email": world.user.email, "channel": "phone", "subject": "Screen flickers",
            "body": "Called in about a flickering screen.", "public": "1", "priority": "high",
            "type": "incident"}
    data.update(values)
    return data


def test_agent_creates_a_ticket_for_a_user_with_an_agent_only_form(world, client_for):
    agent = client_for(world.agent)
    page = agent.get(f"/acme/agent/tickets/new?ticket_form_id={world.incident.id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Incident (agents only)" in body and "Internal priority" in body
    field = f"field_{world.internal_priority.id}"
    response = agent.post(f"/acme/agent/tickets/new?ticket_form_id={world.incident.id}",
                          data=posted(world, assignee_id=str(world.agent2.id), **{field: "low"}))
    assert response.status_code == 302
    ticket = db.session.scalar(select(Ticket).where(Ticket.subject == "Screen flickers"))
    assert (ticket.requester_id, ticket.submitter_id, ticket.channel, ticket.form_id) == (
        world.user.id, world.agent.id, "phone", world.incident.id)
    assert (ticket.priority, ticket.type, ticket.assignee_id) == ("high", "incident", world.agent2.id)
    assert ticket.is_public
    assert db.session.scalar(select(TicketFieldValue.value).where(TicketFieldValue.ticket_id == ticket.id)) == "low"
    assert response.headers["Location"].endswith(f"/acme/agent/tickets/{ticket.id}")


def test_the_forms_default_group_routes_the_ticket(world, client_for):
    agent = client_for(world.agent)
    assert agent.post(f"/acme/agent/tickets/new?ticket_form_id={world.general.id}", data=posted(world)).status_code == 302
    assert db.session.scalar(select(Ticket.group_id).where(Ticket.subject == "Screen flickers")) == world.support.id


def test_bad_input_is_refused_with_nothing_written(world, client_for, make_user):
    agent = client_for(world.agent)
    stranger = make_user(roles={world.other_brand: "end_user"})
    for values, message in (({"requester_email": "not-an-address"}, "valid e-mail"),
                            ({"requester_email": stranger.email, "channel": "pigeon"}, "valid channel"),
                            ({"requester_email": "nobody@example.com", "subject": ""}, "subject"),
                            ({"channel": "pigeon"}, "valid channel"),
                            ({"subject": ""}, "subject"),
                            ({"body": " "}, "write a message"),
                            ({"assignee_id": str(world.light.id)}, "Only agents"),
                            ({"group_id": str(world.paie.id)}, "does not exist")):
        response = agent.post("/acme/agent/tickets/new", data=posted(world, **values))
        assert response.status_code == 422, values
        assert message in response.get_data(as_text=True), values
        if "subject" not in values:
            assert "Screen flickers" in response.get_data(as_text=True)  # what was typed is kept
    assert db.session.scalar(select(Ticket.id)) is None
    # A refused ticket invites no one (the invitation is part of the same transaction).
    assert db.session.scalar(select(Invitation.id)) is None
    assert db.session.scalar(select(User.id).where(User.email == "nobody@example.com")) is None
    assert agent.get("/acme/agent/tickets/new?ticket_form_id=9999").status_code == 404


def test_light_agent_ticket_starts_internal_and_cannot_assign(world, client_for):
    light = client_for(world.light)
    refused = light.post("/acme/agent/tickets/new", data=posted(world, assignee_id=str(world.agent.id)))
    assert refused.status_code == 403
    assert light.post("/acme/agent/tickets/new", data=posted(world)).status_code == 302
    ticket = db.session.scalar(select(Ticket))
    assert ticket.is_public is False
    assert db.session.scalar(select(Comment.is_public).where(Comment.ticket_id == ticket.id)) is False


def test_help_centre_redirect_for_agents_lands_on_the_workspace(world, make_ticket, client_for):
    ticket = make_ticket(group=world.support, requester=world.agent)
    agent = client_for(world.agent)  # agents_manage_requests is off in this brand
    to_ticket = agent.get(f"/acme/hc/en/requests/{ticket.id}")
    assert to_ticket.status_code == 302
    assert to_ticket.headers["Location"].endswith(f"/acme/agent/tickets/{ticket.id}")
    assert agent.get(to_ticket.headers["Location"]).status_code == 200
    to_form = agent.get(f"/acme/hc/en/requests/new?ticket_form_id={world.general.id}")
    assert to_form.status_code == 302
    landed = agent.get(to_form.headers["Location"])
    assert landed.status_code == 200
    assert f'<option value="{world.general.id}" selected>' in landed.get_data(as_text=True)


@pytest.mark.parametrize("who", ["agent", "light"])
def test_staff_opening_a_new_request_without_a_form_pick_it_in_the_workspace(world, client_for, who):
    staff = client_for(getattr(world, who))  # agents_manage_requests is off in this brand
    to_picker = staff.get("/acme/hc/en/requests/new")
    assert to_picker.status_code == 302
    assert to_picker.headers["Location"].endswith("/acme/agent/tickets/new")
    page = staff.get(to_picker.headers["Location"]).get_data(as_text=True)
    assert 'id="form-choice"' in page and f'<option value="{world.general.id}"' in page
    # End users (and staff once the brand lets them use the help centre) pick on its home page.
    assert client_for(world.user).get("/acme/hc/en/requests/new").headers["Location"] == "/acme/hc/en/"
    world.brand.settings = {"agents_manage_requests": True}
    db.session.commit()
    assert staff.get("/acme/hc/en/requests/new").headers["Location"] == "/acme/hc/en/"
