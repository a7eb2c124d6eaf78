"""The real zenpy client against a real server on loopback (issue 7)."""
import pytest
from zenpy.lib.api_objects import Comment, Request
from zenpy.lib.exception import APIException, RecordNotFoundException


def test_end_user_creates_comments_and_solves_a_request(world, zenpy_client):
    acme = world["acme"]
    zenpy = zenpy_client(acme, world["user"])
    created = zenpy.requests.create(Request(
        subject="Printer jams on floor 2", comment=Comment(body="It jams at every page."),
        ticket_form_id=world["form"].id, custom_fields=[{"id": world["category"].id, "value": "hardware"}]))
    assert created.subject == "Printer jams on floor 2"
    assert created.is_public is True
    assert created.description == "It jams at every page."
    assert {"id": world["category"].id, "value": "hardware"} in created.custom_fields
    assert created.via.channel == "api"

    zenpy.requests.update(Request(id=created.id, comment=Comment(body="Still jamming.")))
    bodies = [c.body for c in zenpy.requests.comments(created.id)]
    assert bodies == ["It jams at every page.", "Still jamming."]
    assert [r.id for r in zenpy.requests()] == [created.id]
    assert [r.id for r in zenpy.requests.open()] == [created.id]
    shown = zenpy.requests(id=created.id)
    assert shown.can_be_solved_by_me is False  # nobody is working on it yet

    # An agent takes it; now the requester may mark it solved.
    agent = zenpy_client(acme, world["agent"])
    from zenpy.lib.api_objects import Ticket

    agent.tickets.update(Ticket(id=created.id, assignee_id=world["agent"].id))
    zenpy = zenpy_client(acme, world["user"])
    assert zenpy.requests(id=created.id).can_be_solved_by_me is True
    zenpy.requests.update(Request(id=created.id, solved=True))
    solved = zenpy.requests(id=created.id)
    assert (solved.status, solved.solved) == ("solved", True)
    assert [r.id for r in zenpy.requests.solved()] == [created.id]
    assert list(zenpy.requests.open()) == []
