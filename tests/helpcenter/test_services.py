"""Ticket services called directly, as the workspace, the API and assisted service will."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Comment, Ticket, TicketEvent
from portal.tickets import services
from portal.service_error import ServiceError
from portal.actor import Actor


def test_create_request_routes_and_records_who_acted_for_whom(world):
    """An agent acting as the user by phone: the user's request, attributed to both (DESIGN §8)."""
    acting = Actor(world.agent, world.user, assisted_by=world.agent, channel="phone")
    ticket = services.create_request(world.brand, world.security_report, world.user, acting,
                                     "Lost laptop", "Stolen on the train", {world.device.id: "phone"})
    assert ticket.group_id == world.security.id and ticket.submitter_id == world.user.id
    assert (ticket.channel, ticket.assisted_by_id, ticket.is_public) == ("phone", world.agent.id, True)
    comment = ticket.comments[0]
    assert (comment.author_id, comment.assisted_by_id, comment.channel) == (world.user.id, world.agent.id, "phone")
    event = db.session.scalar(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id))
    assert (event.field, event.actor_id, event.assisted_by_id) == ("created", world.user.id, world.agent.id)


def test_light_agent_request_and_comments_are_internal_whatever_is_asked(world):
    ticket = services.create_request(world.brand, world.general, world.light, Actor.itself(world.light), "Monitor",
                                     "Please")
    assert not ticket.is_public and not ticket.comments[0].is_public
    comment = services.add_comment(ticket, Actor.itself(world.light), "More", public=True)
    assert not comment.is_public and not ticket.is_public


def test_public_comment_makes_an_internal_request_public(world):
    ticket = services.create_request(world.brand, world.general, world.light, Actor.itself(world.light), "Monitor",
                                     "Please")
    services.add_comment(ticket, Actor.itself(world.agent), "On it", public=True)
    assert ticket.is_public


def test_closed_refuses_comments_and_bad_input_writes_nothing(world, make_ticket):
    closed = make_ticket(world.user, status="closed")
    with pytest.raises(ServiceError) as error:
        services.add_comment(closed, Actor.itself(world.user), "hello")
    assert error.value.status == 409
    for subject, body in (("", "body"), ("x" * 20_000, "body"), ("ok", "  ")):
        with pytest.raises(ServiceError) as error:
            services.create_request(world.brand, world.general, world.user, Actor.itself(world.user), subject, body)
        assert error.value.status == 422
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 1


def test_form_of_another_brand_is_refused(world, make_world):
    other = make_world("globex")
    with pytest.raises(ServiceError) as error:
        services.create_request(world.brand, other.general, world.user, Actor.itself(world.user), "Hi", "There")
    assert error.value.status == 404


def test_status_changes_keep_solved_at_in_step(world, make_ticket):
    ticket = make_ticket(world.user, status="open", assignee=world.agent)
    services.mark_solved(ticket, Actor.itself(world.user))
    assert ticket.status == "solved" and ticket.solved_at is not None
    services.add_comment(ticket, Actor.itself(world.user), "Not fixed after all")
    assert ticket.status == "open" and ticket.solved_at is None
    with pytest.raises(ServiceError):
        services.rate(ticket, Actor.itself(world.user), "good")
