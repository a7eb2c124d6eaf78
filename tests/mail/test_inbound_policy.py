"""Who may reply by e-mail to a request, and what the reply becomes (policy.decide_mail_reply), as a
table: requester and CC as in the help centre, staff as in the workspace, everyone else never."""
import pytest

from portal import policy

from .inbound_helpers import build_world, make_ticket


@pytest.fixture
def world(app, make_brand, make_user, make_group):
    w = build_world(make_brand, make_user, make_group)
    w.elsewhere = make_user(email="bob@example.net", name="Bob Elsewhere")
    return w


# person -> {status: (action, allowed)}
TABLE = {
    "user":      {"pending": ("comment", True), "solved": ("comment", True), "closed": ("create_followup", True)},
    "cc":        {"pending": ("comment", True), "solved": ("comment", True), "closed": ("create_followup", False)},
    "other":     {"pending": ("comment", False), "solved": ("comment", False), "closed": ("create_followup", False)},
    "agent":     {"pending": ("comment", True), "solved": ("comment", True), "closed": ("comment", False)},
    "light":     {"pending": ("comment", True), "solved": ("comment", True), "closed": ("comment", False)},
    "elsewhere": {"pending": ("comment", False), "solved": ("comment", False), "closed": ("create_followup", False)},
}


@pytest.mark.parametrize("who", sorted(TABLE))
def test_who_may_reply_by_mail(world, who):
    for status, expected in TABLE[who].items():
        ticket = make_ticket(world, status=status, ccs=[world.cc])
        person = getattr(world, who)
        action, decision = policy.decide_mail_reply(person, world.brand, ticket, frozenset({world.support.id}))
        assert (action, decision.allowed) == expected, (who, status)


def test_staff_outside_the_tickets_groups_and_another_brand_may_not(world, make_brand):
    ticket = make_ticket(world)
    # A light agent sees only their groups' tickets (light_agents_see_all_tickets off).
    assert not policy.decide_mail_reply(world.light, world.brand, ticket, frozenset())[1]
    other = make_brand("globex")
    assert policy.decide_mail_reply(world.agent, other, ticket, frozenset())[1].status == 404
