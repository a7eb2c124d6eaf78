"""Workspace views: scope per role, counts, sorting, pagination, constant query count."""
import re

from portal.extensions import db


def subjects(response):
    return re.findall(r'/agent/tickets/\d+">([^<]+)</a>', response.get_data(as_text=True))


def test_views_list_and_count_per_role(world, make_ticket, client_for):
    make_ticket(subject="Mine open", group=world.support, assignee=world.agent)
    make_ticket(subject="Unassigned support", group=world.support)
    make_ticket(subject="Security thing", group=world.security)
    make_ticket(subject="Pending one", status="pending", group=world.support, assignee=world.agent2)
    make_ticket(subject="Solved lately", status="solved", group=world.support, assignee=world.agent)
    make_ticket(subject="My own question", requester=world.agent, status="new", group=None)
    make_ticket(brand=world.other_brand, subject="Payslip", group=world.paie)
    agent = client_for(world.agent)

    mine = agent.get("/acme/agent/?view=mine")
    assert mine.status_code == 200
    assert subjects(mine) == ["Mine open"]
    body = mine.get_data(as_text=True)
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', body))
    assert counts == {"mine": "1", "unassigned": "1", "unsolved": "5", "pending": "1", "solved": "1",
                      "requested": "1"}
    assert set(subjects(agent.get("/acme/agent/?view=unassigned"))) == {"Unassigned support"}
    assert "Payslip" not in agent.get("/acme/agent/?view=unsolved").get_data(as_text=True)
    assert subjects(agent.get("/acme/agent/?view=requested")) == ["My own question"]
    assert subjects(agent.get("/acme/agent/?view=solved")) == ["Solved lately"]


def test_light_agent_sees_their_groups_or_all_per_setting(world, make_ticket, client_for):
    make_ticket(subject="Support ticket", group=world.support)
    make_ticket(subject="Security ticket", group=world.security)
    make_ticket(subject="Asked by light", requester=world.light, group=None, public=False)
    light = client_for(world.light)
    page = light.get("/acme/agent/?view=unsolved")
    assert set(subjects(page)) == {"Support ticket", "Asked by light"}
    assert "view=mine" not in page.get_data(as_text=True)  # never assigned: no "my unsolved" view
    assert light.get("/acme/agent/?view=mine").status_code == 404
    assert subjects(light.get("/acme/agent/?view=requested")) == ["Asked by light"]

    world.brand.settings = {"light_agents_see_all_tickets": True}
    db.session.commit()
    assert set(subjects(light.get("/acme/agent/?view=unsolved"))) == {
        "Support ticket", "Security ticket", "Asked by light"}


def test_end_users_and_strangers_are_refused(world, client_for, app):
    user = client_for(world.user)
    page = user.get("/acme/agent/")
    assert page.status_code == 403
    assert "for the agents of this help centre" in page.get_data(as_text=True)
    assert app.test_client().get("/acme/agent/").status_code in (302, 401)
    # An agent of globex is nobody in acme's workspace.
    assert client_for(world.globex_agent, world.other_brand).get("/acme/agent/").status_code == 403


def test_sorting_and_pagination(world, make_ticket, client_for):
    make_ticket(subject="Old urgent", group=world.support, priority="urgent", age_minutes=30)
    make_ticket(subject="Newest low", group=world.support, priority="low", age_minutes=1)
    make_ticket(subject="Middle high", group=world.support, priority="high", age_minutes=10)
    agent = client_for(world.agent)
    assert subjects(agent.get("/acme/agent/?view=unsolved&sort=updated")) == ["Newest low", "Middle high", "Old urgent"]
    assert subjects(agent.get("/acme/agent/?view=unsolved&sort=created")) == ["Newest low", "Middle high", "Old urgent"]
    assert subjects(agent.get("/acme/agent/?view=unsolved&sort=priority")) == ["Old urgent", "Middle high", "Newest low"]
    first = agent.get("/acme/agent/?view=unsolved&per_page=2")
    assert subjects(first) == ["Newest low", "Middle high"]
    assert "Page 1 of 2" in first.get_data(as_text=True)
    assert subjects(agent.get("/acme/agent/?view=unsolved&per_page=2&page=2")) == ["Old urgent"]
    assert agent.get("/acme/agent/?view=nope").status_code == 404
    assert agent.get("/acme/agent/?sort=nope").status_code == 404


def test_query_count_does_not_grow_with_page_size(world, make_ticket, client_for, count_queries):
    for n in range(12):
        other_requester = world.agent2 if n % 2 else world.user
        make_ticket(subject=f"Ticket {n}", group=world.support, requester=other_requester,
                    assignee=world.agent if n % 3 else None)
    agent = client_for(world.agent)
    agent.get("/acme/agent/?view=unsolved&per_page=2").close()  # warm caches (host map, session touch)
    counted = {}
    for per_page in (2, 10):
        with count_queries() as counter:
            page = agent.get(f"/acme/agent/?view=unsolved&per_page={per_page}")
        assert page.status_code == 200 and len(subjects(page)) == per_page
        counted[per_page] = counter.count
    assert counted[2] == counted[10], counted


def test_priority_sort_pages_through_every_priority(world, make_ticket, client_for):
    for n, priority in enumerate(("low", "urgent", "normal", "high", "urgent", "low")):
        make_ticket(subject=f"{priority} {n}", group=world.support, priority=priority, age_minutes=n)
    agent = client_for(world.agent)
    pages = [subjects(agent.get(f"/acme/agent/?view=unsolved&sort=priority&per_page=2&page={page}"))
             for page in (1, 2, 3)]
    assert pages == [["urgent 1", "urgent 4"], ["high 3", "normal 2"], ["low 0", "low 5"]]


def test_counts_stop_at_the_cap_and_the_pager_goes_on(world, make_ticket, client_for, monkeypatch):
    from portal.agent import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    for n in range(5):
        make_ticket(subject=f"Ticket {n}", group=world.support, age_minutes=n)
    agent = client_for(world.agent)
    first = agent.get("/acme/agent/?view=unsolved&per_page=2").get_data(as_text=True)
    assert 'data-count="unsolved">3+<' in first and "Page 1 of more than 2" in first
    third = agent.get("/acme/agent/?view=unsolved&per_page=2&page=3")
    assert subjects(third) == ["Ticket 4"]
    assert 'data-count="pending">0<' in third.get_data(as_text=True)
