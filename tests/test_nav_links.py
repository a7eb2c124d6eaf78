"""The header's workspace and administration links follow the role in the brand at hand."""
import pytest


@pytest.mark.parametrize("role, workspace, administration", [
    ("end_user", False, False),
    ("light_agent", True, False),
    ("agent", True, False),
    ("admin", True, True),
])
def test_header_links_follow_the_role_here(client, make_brand, make_user, login,
                                           role, workspace, administration):
    acme, globex = make_brand("acme"), make_brand("globex")
    # Admin of another brand: that role must not leak into this brand's header.
    person = make_user(roles={acme: role, globex: "admin"})
    login(acme, person)
    html = client.get("/acme/hc/en/").get_data(as_text=True)
    assert ('href="/acme/agent' in html) is workspace
    assert ('href="/acme/admin' in html) is administration


def test_signed_out_header_has_no_staff_links(client, make_brand):
    make_brand("acme")
    html = client.get("/acme/hc/en/").get_data(as_text=True)
    assert 'href="/acme/agent' not in html and 'href="/acme/admin' not in html
