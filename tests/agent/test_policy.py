"""The workspace rules of portal.policy, enumerated as a table (role × setting -> answer)."""
import pytest

from portal import policy
from portal.extensions import db
from portal.models import Ticket


@pytest.mark.parametrize("role, see_all_setting, expected", [
    ("admin", False, {"use": True, "full": True, "all": True, "support": True, "security": True, "own": True}),
    ("agent", False, {"use": True, "full": True, "all": True, "support": True, "security": True, "own": True}),
    ("light_agent", False, {"use": True, "full": False, "all": False, "support": True, "security": False, "own": True}),
    ("light_agent", True, {"use": True, "full": False, "all": True, "support": True, "security": True, "own": True}),
    ("end_user", False, {"use": False, "full": False, "all": False, "support": False, "security": False, "own": False}),
    (None, False, {"use": False, "full": False, "all": False, "support": False, "security": False, "own": False}),
])
def test_workspace_decisions(world, make_user, role, see_all_setting, expected):
    world.brand.settings = {"light_agents_see_all_tickets": see_all_setting}
    db.session.commit()
    person = make_user(roles={world.brand: role} if role else {})
    my_groups = frozenset({world.support.id})

    def ticket(group, requester=world.user):
        return Ticket(brand_id=world.brand.id, group_id=group.id if group else None, requester_id=requester.id)

    answers = {
        "use": policy.can_use_workspace(person, world.brand),
        "full": policy.can_change_ticket(person, world.brand),
        "all": policy.sees_all_workspace_tickets(person, world.brand),
        "support": policy.can_view_in_workspace(person, world.brand, ticket(world.support), my_groups),
        "security": policy.can_view_in_workspace(person, world.brand, ticket(world.security), my_groups),
        "own": policy.can_view_in_workspace(person, world.brand, ticket(world.security, person), my_groups),
    }
    assert answers == expected
    ask = policy.decide_assistance_request(person, world.brand, ticket(world.support), active=False,
                                           group_has_supervisor=True)
    assert ask.allowed is expected["full"]
    foreign = Ticket(brand_id=world.other_brand.id, group_id=None, requester_id=person.id)
    assert policy.can_view_in_workspace(person, world.brand, foreign, my_groups) is False


@pytest.mark.parametrize("role, in_group, group_id, expected", [
    ("agent", True, 1, True), ("agent", False, 1, False), ("agent", False, None, True),
    ("admin", True, 1, True), ("light_agent", True, 1, False), ("light_agent", False, None, False),
    ("end_user", True, 1, False), (None, False, None, False),
])
def test_who_may_be_assigned(role, in_group, group_id, expected):
    assert policy.may_be_assigned(role, in_group, group_id) is expected


def test_assistance_request_rules_in_one_order(world):
    """The ticket page's button and the server share this decision (and its reason)."""
    agent = world.agent
    open_ticket = Ticket(brand_id=world.brand.id, group_id=world.support.id, requester_id=world.user.id,
                         status="open")

    def ask(ticket=open_ticket, person=agent, active=False, supervisor=True):
        decision = policy.decide_assistance_request(person, world.brand, ticket, active=active,
                                                    group_has_supervisor=supervisor)
        return decision.status if not decision.allowed else "ok"

    assert ask() == "ok"
    assert ask(person=world.light) == 403
    assert ask(ticket=Ticket(brand_id=world.brand.id, group_id=None, requester_id=world.user.id)) == 409
    assert ask(ticket=Ticket(brand_id=world.brand.id, group_id=world.support.id, requester_id=world.user.id,
                             status="closed")) == 409
    assert ask(active=True) == 409
    assert ask(supervisor=False) == 409
    world.brand.settings = {"supervisor_assistance": False}
    db.session.commit()
    assert ask() == 404 and ask(person=world.light) == 404
