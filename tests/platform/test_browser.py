"""Smoke test in a real browser: the demo app served over HTTP, Debian's chromium driven by Playwright."""
import pytest

from tests.live import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(demo_site):
    _app, base, port = demo_site
    return base, port


def test_sign_in_through_the_real_page_lands_on_the_french_home(live_server, page):
    base, _port = live_server
    page.goto(f"{base}/acme/hc/fr/signin")
    assert page.get_attribute("html", "lang") == "fr"
    sign_in(page, base, "user@example.com", "fr")
    assert page.get_attribute("html", "lang") == "fr"
    assert "Haru Tanaka" in page.inner_text("header")
    assert page.locator("input[name=password]").count() == 0


def test_host_mapping_serves_the_brand_without_its_prefix(live_server, page):
    _base, port = live_server
    page.goto(f"http://globex.localhost:{port}/hc/fr/")
    assert page.get_attribute("html", "lang") == "fr"
    assert "Globex HR" in page.inner_text("header")
