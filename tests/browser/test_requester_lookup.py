"""The workspace's new-ticket form suggests the requester as the agent types (issue 14, forms that
guide): the user search's answers fill a native datalist, which the keyboard and screen readers know."""
import pytest

from tests.live import sign_in

pytestmark = pytest.mark.browser


def test_typing_a_name_suggests_the_member_by_email(demo_site, page):
    _app, base, _port = demo_site
    sign_in(page, base, "agent@example.com")
    page.goto(f"{base}/acme/agent/tickets/new")
    page.locator("#requester-email").press_sequentially("haru", delay=30)
    option = page.locator("#requester-suggestions option[value='user@example.com']")
    option.wait_for(state="attached")
    assert "Haru Tanaka" in option.get_attribute("label")
    assert page.get_attribute("#requester-email", "list") == "requester-suggestions"
