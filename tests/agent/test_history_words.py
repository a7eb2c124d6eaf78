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
    assert "<td>Changed Status from “Open” to “Pending”</td>" in history
    assert "<td>Changed Priority from “Normal” to “Urgent”</td>" in history
    assert "#%d</td>" % ticket.id not in history
    client.post("/locale", data={"locale": "fr", "next": "/acme/agent/"})
    page = client.get(f"/acme/agent/tickets/{ticket.id}").get_data(as_text=True)
    history = page[page.index('id="history-title"'):]
    assert "<td>A changé Statut de « Ouvert » à « En attente »</td>" in history


def test_set_cleared_follow_up_and_rating_read_as_sentences(app):
    from flask_babel import force_locale

    from portal.labels import event_text

    with app.test_request_context("/"):
        assert event_text("assignee", None, "Sarah Agent") == "Set Assignee to “Sarah Agent”"
        assert event_text("group", "Support", None) == "Cleared Group (was “Support”)"
        assert event_text("followup", None, 19) == "Follow-up request #19 created from this one"
        assert event_text("rating", None, "good") == "Rated the answer “Good”"
        assert event_text("field:Laptop serial", "A1", "B2") == "Changed Laptop serial from “A1” to “B2”"
        with force_locale("fr"):
            assert event_text("followup", None, 19) == "Demande de suivi #19 créée à partir de celle-ci"
