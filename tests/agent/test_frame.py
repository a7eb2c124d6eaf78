"""Every workspace page sits in the workspace's frame (issue 14): the sidebar of tools and the
notice switches, and the live notices, on the interaction log, the dashboards, the log form and
the user search, as on the ticket views."""
import pytest


@pytest.fixture
def world(make_world):
    return make_world("acme", capabilities={"agent": {"can_assist": True}}, people_only=True, assisted_service=True)


@pytest.mark.parametrize("path", ["/acme/agent/interactions", "/acme/agent/interactions/new",
                                  "/acme/agent/dashboards", "/acme/agent/users?q=haru", "/acme/agent/users/{user}",
                                  "/acme/agent/"])
def test_the_workspace_frame_is_on_every_workspace_page(client, login, world, path):
    login(world.brand, world.agent)
    path = path.format(user=world.user.id)
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    assert 'id="agent-live"' in html and 'id="agent-prefs"' in html
    assert 'aria-label="Tools"' in html and "/acme/agent/users" in html and "/acme/agent/dashboards" in html


def test_the_frame_shows_the_viewers_own_switches(client, login, world):
    login(world.brand, world.agent)
    assert client.post("/acme/agent/preferences", data={"mail_switch": "1", "next": "/acme/agent/dashboards"}
                       ).status_code == 302
    html = client.get("/acme/agent/dashboards").get_data(as_text=True)
    assert 'id="pref-sound" checked' not in html and 'id="pref-mail-group" checked' not in html
    client.post("/acme/agent/preferences", data={"mail_switch": "1", "play_sound": "1", "mail_new_in_group": "1",
                                                 "next": "/acme/agent/dashboards"})
    html = client.get("/acme/agent/interactions").get_data(as_text=True)
    assert 'id="pref-sound" checked' in html and 'id="pref-mail-group" checked' in html


def test_an_end_user_never_gets_the_frame(client, login, world):
    login(world.brand, world.user)
    for path in ("/acme/agent/interactions", "/acme/agent/dashboards", "/acme/agent/users",
                 f"/acme/agent/users/{world.other.id}"):
        response = client.get(path)
        assert response.status_code in (403, 404) and 'id="agent-prefs"' not in response.get_data(as_text=True)
