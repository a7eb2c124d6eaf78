"""Who may use assisted service: the decisions as a table, then each gate through HTTP both ways."""
from urllib.parse import parse_qs, urlsplit

import pytest

from portal import policy
from portal.extensions import db


def _off(brand):
    brand.settings = {**brand.settings, "assisted_service": False}
    db.session.commit()


@pytest.mark.parametrize("person, action, expected", [
    ("agent", policy.USE_ASSIST, True),
    ("agent", policy.REGISTER_USERS, True),
    ("agent", policy.VIEW_REPORTS, True),
    ("assisting_admin", policy.USE_ASSIST, True),
    ("assisting_admin", policy.REGISTER_USERS, False),
    ("admin", policy.USE_ASSIST, False),
    ("admin", policy.VIEW_REPORTS, True),
    ("agent2", policy.USE_ASSIST, False),
    ("agent2", policy.VIEW_REPORTS, False),
    ("light", policy.USE_ASSIST, False),  # can_assist does not help a light agent
    ("light", policy.VIEW_REPORTS, False),
    ("user", policy.USE_ASSIST, False),
    ("outsider", policy.VIEW_REPORTS, False),
])
def test_access_table(world, person, action, expected):
    assert policy.assist_allowed(getattr(world, person), world.brand, action) is expected


def test_brand_without_the_feature_refuses_everyone(world):
    _off(world.brand)
    for action in policy.ASSIST_ACTIONS:
        assert policy.assist_allowed(world.agent, world.brand, action) is False
        assert policy.assist_allowed(world.admin, world.brand, action) is False


@pytest.mark.parametrize("path", ["assist", "interactions", "dashboards", "assist/register"])
def test_pages_open_to_an_assisting_agent(client, world, login, path):
    login(world.brand, world.agent)
    assert client.get(f"/acme/agent/{path}").status_code == 200


@pytest.mark.parametrize("person", ["agent2", "light", "user"])
@pytest.mark.parametrize("path", ["assist", "interactions", "dashboards", "assist/register"])
def test_pages_are_404_without_the_capability(client, world, login, person, path):
    login(world.brand, getattr(world, person))
    assert client.get(f"/acme/agent/{path}").status_code == 404


def test_pages_are_404_when_the_brand_turns_it_off(client, world, login):
    _off(world.brand)
    login(world.brand, world.agent)
    for path in ("assist", "interactions", "dashboards", f"users/{world.user.id}"):
        assert client.get(f"/acme/agent/{path}").status_code == 404


def test_admin_without_can_assist_sees_reports_but_cannot_assist(client, world, login):
    login(world.brand, world.admin)
    assert client.get("/acme/agent/dashboards").status_code == 200
    assert client.get(f"/acme/agent/users/{world.user.id}").status_code == 200
    assert client.get("/acme/agent/assist").status_code == 404
    assert client.post("/acme/agent/assist/start", data={"user_id": world.user.id}).status_code == 404


def test_asm_true_asks_to_sign_in_then_opens_the_panel(client, world, login):
    first = client.get("/acme/hc/en/requests?asm=true&tab=drafts")
    assert first.status_code == 302
    signin = urlsplit(first.headers["Location"])
    assert signin.path == "/acme/hc/en/signin"
    panel_url = parse_qs(signin.query)["next"][0]
    assert urlsplit(panel_url).path == "/acme/agent/assist"
    assert parse_qs(urlsplit(panel_url).query)["next"] == ["/acme/hc/en/requests?tab=drafts"]
    login(world.brand, world.agent)
    page = client.get(panel_url)
    assert page.status_code == 200
    assert 'name="next" value="/acme/hc/en/requests?tab=drafts"' in page.get_data(as_text=True)


def test_asm_true_on_a_french_page_keeps_french_through_sign_in_and_the_panel(client, world, login):
    """Issue 14 item 3: the sign-in page and the panel speak the help centre's language."""
    first = client.get("/acme/hc/fr/?asm=true")
    assert urlsplit(first.headers["Location"]).path == "/acme/hc/fr/signin"
    assert '<html lang="fr">' in client.get(first.headers["Location"]).get_data(as_text=True)
    panel_url = parse_qs(urlsplit(first.headers["Location"]).query)["next"][0]
    world.agent.locale = "en"
    db.session.commit()
    login(world.brand, world.agent)
    page = client.get(panel_url).get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert '<html lang="en">' in client.get("/acme/agent/assist").get_data(as_text=True)  # its own preference


def test_asm_true_is_404_for_someone_who_may_not_assist(client, world, login):
    login(world.brand, world.user)
    response = client.get("/acme/hc/en/?asm=true", follow_redirects=True)
    assert response.status_code == 404
    assert client.get("/acme/hc/en/").status_code == 200
