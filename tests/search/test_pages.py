"""The search page and its as-you-type endpoint: who may use them, what they show, odd input."""
import pytest
from sqlalchemy import event

from portal.extensions import db
from portal.tickets.models import Ticket


@pytest.fixture
def acme(make_brand):
    return make_brand("acme")


@pytest.fixture
def agent(acme, make_user):
    return make_user(roles={acme: "agent"})


@pytest.mark.parametrize("role, status", [("agent", 200), ("admin", 200), ("light_agent", 403),
                                          ("end_user", 403)])
@pytest.mark.parametrize("path", ["/acme/agent/users?q=bohr", "/acme/agent/users/suggest?q=bohr"])
def test_only_agents_and_admins_may_search(acme, make_user, login, client, role, status, path):
    login(acme, make_user(roles={acme: role}))
    assert client.get(path).status_code == status


def test_an_agent_of_another_brand_may_not_search_here(acme, make_brand, make_user, login, client):
    globex = make_brand("globex")
    outsider = make_user(roles={globex: "agent", acme: "end_user"})
    login(acme, outsider)
    assert client.get("/acme/agent/users?q=a").status_code == 403


def test_signed_out_visitors_are_not_shown_results(acme, add_person, client):
    add_person(acme, "Niels Bohr", "niels@example.com")
    response = client.get("/acme/agent/users?q=bohr")
    assert response.status_code in (302, 401)
    assert b"niels@example.com" not in response.data


def test_results_show_role_contact_and_last_requests(acme, agent, add_person, login, client):
    niels = add_person(acme, "Niels Bohr", "niels@example.com", phone="06 98 76 54 32")
    for subject in ("Password reset loop", "VPN drops"):
        db.session.add(Ticket(brand_id=acme.id, subject=subject, requester_id=niels.id, submitter_id=niels.id))
    db.session.commit()
    login(acme, agent)
    page = client.get("/acme/agent/users?q=Niels+Bhor").get_data(as_text=True)
    assert "niels@example.com" in page and "06 98 76 54 32" in page and "End user" in page
    assert "Password reset loop" in page and "VPN drops" in page
    assert f'href="/acme/agent/users/{niels.id}"' in page
    assert 'role="search"' in page and 'for="user-search-q"' in page and "js/search.js" in page


def test_suggest_answers_json_with_the_same_rows(acme, agent, add_person, login, client):
    niels = add_person(acme, "Niels Bohr", "niels@example.com")
    login(acme, agent)
    data = client.get("/acme/agent/users/suggest?q=niel").get_json()
    assert data["count"] == 1 and data["results"][0]["id"] == niels.id
    assert data["results"][0]["url"] == f"/acme/agent/users/{niels.id}"
    assert "niels@example.com" in data["html"]


def test_only_members_of_this_brand_are_found(acme, agent, make_brand, add_person, login, client):
    globex = make_brand("globex")
    add_person(globex, "Marie Curie", "marie@example.com")
    both = add_person([acme, globex], "Marie Dupont", "marie.dupont@example.com")
    login(acme, agent)
    data = client.get("/acme/agent/users/suggest?q=marie").get_json()
    assert [r["id"] for r in data["results"]] == [both.id]


def test_a_brand_with_few_matches_among_many_still_fills_its_page(acme, make_brand, add_person, find):
    globex = make_brand("globex")
    for n in range(40):  # better-ranked matches in another brand must not crowd ours out
        add_person(globex, "Smith Smith", f"smith{n}@smith.example")
    ours = [add_person(acme, f"Ann Smith {n}", f"ann{n}@example.com").id for n in range(3)]
    assert sorted(find(acme, "smith", limit=3)) == sorted(ours)


def test_results_take_a_constant_number_of_queries(acme, agent, add_person, login, client):
    def count_queries(query):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/acme/agent/users?q={query}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    first = add_person(acme, "Zed Solo", "zed@example.com")
    db.session.add(Ticket(brand_id=acme.id, subject="One", requester_id=first.id, submitter_id=first.id))
    for n in range(6):
        person = add_person(acme, f"Yan Many {n}", f"yan{n}@example.com")
        db.session.add(Ticket(brand_id=acme.id, subject="Two", requester_id=person.id, submitter_id=person.id))
    db.session.commit()
    login(acme, agent)
    assert count_queries("zed") == count_queries("yan")


@pytest.mark.parametrize("query", ["", "   ", "a" * 2000, "niels " * 400, '"niels', "nie*", "name:niels",
                                   "(niels", "niels AND bohr", "NOT OR AND", "\x00\x07niels\x1b", "%_\\",
                                   "#", "#99999999999999", "+", "----", "' OR 1=1 --", "🙂", "\u202e"])
def test_odd_input_never_breaks(acme, agent, add_person, login, client, query):
    add_person(acme, "Niels Bohr", "niels@example.com")
    login(acme, agent)
    for path in ("/acme/agent/users", "/acme/agent/users/suggest"):
        response = client.get(path, query_string={"q": query})
        assert response.status_code == 200


@pytest.mark.parametrize("query", ['"niels"', "niels*", "(niels)", "niels AND"])
def test_syntax_characters_are_read_as_text(acme, add_person, find, query):
    niels = add_person(acme, "Niels Bohr", "niels@example.com")
    assert niels.id in find(acme, query)
