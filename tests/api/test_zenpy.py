"""The real zenpy client against a real server on loopback (issue 7)."""
import pytest
from zenpy.lib.api_objects import Comment, Request, Ticket
from zenpy.lib.exception import APIException, RecordNotFoundException


def test_end_user_creates_comments_and_solves_a_request(world, zenpy_client):
    acme = world.brand
    zenpy = zenpy_client(acme, world.user)
    created = zenpy.requests.create(Request(
        subject="Printer jams on floor 2", comment=Comment(body="It jams at every page."),
        ticket_form_id=world.general.id, custom_fields=[{"id": world.category.id, "value": "hardware"}]))
    assert created.subject == "Printer jams on floor 2"
    assert created.is_public is True
    assert created.description == "It jams at every page."
    assert {"id": world.category.id, "value": "hardware"} in created.custom_fields
    assert created.via.channel == "api"

    zenpy.requests.update(Request(id=created.id, comment=Comment(body="Still jamming.")))
    bodies = [c.body for c in zenpy.requests.comments(created.id)]
    assert bodies == ["It jams at every page.", "Still jamming."]
    assert [r.id for r in zenpy.requests()] == [created.id]
    assert [r.id for r in zenpy.requests.open()] == [created.id]
    shown = zenpy.requests(id=created.id)
    assert shown.can_be_solved_by_me is False  # nobody is working on it yet

    # An agent takes it; now the requester may mark it solved.
    agent = zenpy_client(acme, world.agent)
    agent.tickets.update(Ticket(id=created.id, assignee_id=world.agent.id))
    zenpy = zenpy_client(acme, world.user)
    assert zenpy.requests(id=created.id).can_be_solved_by_me is True
    zenpy.requests.update(Request(id=created.id, solved=True))
    solved = zenpy.requests(id=created.id)
    assert (solved.status, solved.solved) == ("solved", True)
    assert [r.id for r in zenpy.requests.solved()] == [created.id]
    assert list(zenpy.requests.open()) == []


def _status(error) -> int:
    return error.response.status_code


def test_a_light_agents_request_is_internal_and_not_in_their_list(world, zenpy_client):
    zenpy = zenpy_client(world.brand, world.light)
    created = zenpy.requests.create(Request(subject="Need a second monitor", comment=Comment(body="For desk 4."),
                                            custom_fields=[{"id": world.category.id, "value": "hardware"}]))
    assert created.is_public is False
    assert list(zenpy.requests()) == []
    with pytest.raises(RecordNotFoundException):
        zenpy.requests(id=created.id)
    # It lives in the workspace, where the light agent finds it through the Tickets API.
    assert zenpy.tickets(id=created.id).is_public is False


def test_an_agent_cannot_solve_their_request_and_nothing_is_written(world, zenpy_client):
    agent = zenpy_client(world.brand, world.agent)
    created = agent.requests.create(Request(subject="Badge does not open the lab", comment=Comment(body="Lab 3."),
                                            custom_fields=[{"id": world.category.id, "value": "software"}]))
    agent.tickets.update(Ticket(id=created.id, assignee_id=world.agent.id))
    with pytest.raises(APIException) as refused:
        agent.requests.update(Request(id=created.id, solved=True, comment=Comment(body="Done, I think.")))
    assert _status(refused.value) == 403
    assert refused.value.response.json()["error"] == "Forbidden"
    assert agent.requests(id=created.id).status != "solved"
    assert [c.body for c in agent.requests.comments(created.id)] == ["Lab 3."]


def test_agents_search_users_and_end_users_may_not(world, zenpy_client):
    agent = zenpy_client(world.brand, world.agent)
    found = agent.users.search("niels")
    assert [u.email for u in found] == ["niels@example.com"]
    assert not [u for u in agent.users.search("rh@example.com")]  # a member of globex only
    user = zenpy_client(world.brand, world.user)
    with pytest.raises(APIException) as refused:
        list(user.users.search("niels"))
    assert _status(refused.value) == 403


def test_another_brands_ids_answer_404(world, zenpy_client):
    globex_user = zenpy_client(world.other_brand, world.user)
    in_globex = globex_user.requests.create(Request(subject="Payslip missing for October",
                                                    comment=Comment(body="October.")))
    acme_user = zenpy_client(world.brand, world.user)
    for fetch in (lambda: acme_user.requests(id=in_globex.id),
                  lambda: list(acme_user.requests.comments(in_globex.id)),
                  lambda: acme_user.users(id=world.globex_agent.id),
                  lambda: acme_user.ticket_forms(id=world.general.id + 100)):
        with pytest.raises(RecordNotFoundException):
            fetch()
    agent = zenpy_client(world.brand, world.agent)
    with pytest.raises(RecordNotFoundException):
        agent.tickets(id=in_globex.id)
    with pytest.raises(RecordNotFoundException):
        agent.tickets.update(Ticket(id=in_globex.id, status="open"))
    with pytest.raises(RecordNotFoundException):
        agent.brands(id=world.other_brand.id)


def test_a_token_authenticates_zenpy(world, zenpy_client):
    from portal.api.tokens import create_token

    _token, secret = create_token(world.user, "zenpy script")
    zenpy = zenpy_client(world.brand, world.user, token=secret)
    assert zenpy.users.me().email == "user@example.com"
    wrong = zenpy_client(world.brand, world.user, token=secret + "x")
    with pytest.raises(APIException) as refused:
        wrong.users.me()
    assert _status(refused.value) == 401
