"""Issue 14 item 2: a refused assistance action re-renders the ticket page it came from, with
the reason and what was typed, never a bare error page."""
from .conftest import set_online


def test_a_refused_assistance_request_keeps_the_reason_typed(world, make_ticket, client_for):
    agent = client_for(world.agent)
    ticket = make_ticket(group=world.support)
    set_online(world.supervisor, minutes_ago=6)  # nobody online: the service refuses
    response = agent.post(f"/acme/agent/tickets/{ticket.id}/assistance",
                          data={"reason": "Caller asks about payroll rules"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "No supervisor of this group is online" in page
    assert "Caller asks about payroll rules</textarea>" in page
    assert f'action="/acme/agent/tickets/{ticket.id}"' in page  # the ticket page itself


def test_a_group_without_supervisor_disables_the_button_and_a_forced_post_says_why(world, make_ticket, client_for):
    agent = client_for(world.security_agent)
    ticket = make_ticket(group=world.security)  # Security has no supervisor
    page = agent.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    assert "This ticket&#39;s group has no supervisor to ask." in page
    assert 'id="assist-reason" name="reason" rows="2" maxlength="500" disabled' in page
    response = agent.post(f"/acme/agent/tickets/{ticket.id}/assistance", data={"reason": "Help"})
    assert response.status_code == 409
    assert "This ticket&#39;s group has no supervisor to ask." in response.get_data(as_text=True)
    assert "Help</textarea>" in response.get_data(as_text=True)
