"""The ticket history is worded for people, in their language, not stored codes."""
from portal.extensions import db
from portal.tickets.services import record_event
from portal.actor import Actor


def test_history_shows_translated_fields_and_values(client, world, make_ticket, login):
    ticket = make_ticket(group=world.support)
    record_event(ticket, Actor.itself(world.agent), "status", "open", "pending")
    record_event(ticket, Actor.itself(world.agent), "priority", "normal", "urgent")
    db.session.commit()
    login(world.brand, world.agent)
    page = client.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    history = page[page.index('id="history-title"'):]
    assert "<td>Status</td><td>Open</td><td>Pending</td>" in history
    assert "<td>Priority</td><td>Normal</td><td>Urgent</td>" in history
    client.post("/locale", data={"locale": "fr", "next": "/acme/agent/"})
    page = client.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    history = page[page.index('id="history-title"'):]
    assert "<td>Statut</td><td>Ouvert</td><td>En attente</td>" in history
