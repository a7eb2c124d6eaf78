"""Error pages lead back into the brand the person was in (issue 14 item 2), not to the global
directory; outside any brand, to the directory."""
from tests.conftest import signin


def test_a_help_centre_404_links_to_the_brands_help_centre(client, make_brand):
    make_brand("acme", "Acme IT")
    page = client.get("/acme/hc/fr/no-such-page").get_data(as_text=True)
    assert 'href="/acme/hc/fr/"' in page and "Retour à Acme IT" in page


def test_a_workspace_404_links_to_the_workspace(client, make_brand, make_user):
    brand = make_brand("acme", "Acme IT")
    agent = make_user(roles={brand: "agent"})
    assert signin(client, brand, agent).status_code == 302
    response = client.get("/acme/agent/tickets/999999")
    assert response.status_code == 404
    assert 'href="/acme/agent/"' in response.get_data(as_text=True)


def test_a_refused_workspace_page_links_to_the_help_centre_not_back_to_the_refusal(client, make_brand, make_user):
    brand = make_brand("acme", "Acme IT")
    user = make_user(roles={brand: "end_user"})
    assert signin(client, brand, user).status_code == 302
    response = client.get("/acme/agent/")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert 'href="/acme/hc/en/"' in page and 'href="/acme/agent/"' not in page.split("<main", 1)[-1]


def test_outside_a_brand_the_page_links_to_the_directory(client):
    page = client.get("/no-such-brand/hc/en/").get_data(as_text=True)
    assert 'href="/"' in page
