"""The workspace sidebar offers the tools a person may open, and only those."""
import pytest

TOOLS = {"Find users": "/acme/agent/users", "Assisted service": "/acme/agent/assist",
         "Interaction log": "/acme/agent/interactions", "Dashboards": "/acme/agent/dashboards"}


@pytest.mark.parametrize("role, capabilities, expected", [
    ("agent", {"can_assist": True}, {"Find users", "Assisted service", "Interaction log", "Dashboards"}),
    ("agent", {}, {"Find users"}),
    ("admin", {}, {"Find users", "Interaction log", "Dashboards"}),
    ("light_agent", {}, set()),
])
def test_sidebar_tools_follow_the_rules(client, make_brand, make_user, login, role, capabilities, expected):
    brand = make_brand("acme", assisted_service=True)
    person = make_user(roles={brand: (role, capabilities)})
    login(brand, person)
    page = client.get("/acme/agent/").get_data(as_text=True)
    shown = {label for label, href in TOOLS.items() if f'href="{href}"' in page}
    assert shown == expected
    for label in expected:  # each offered link opens
        assert client.get(TOOLS[label]).status_code == 200
