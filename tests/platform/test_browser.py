"""Smoke test in a real browser: the demo app served over HTTP, Debian's chromium driven by Playwright."""
import os
import threading

import pytest
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app with the demo data, served by a real HTTP server on a free loopback port."""
    tmp = tmp_path_factory.mktemp("live")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'live.sqlite3'}",
                      "SEARCH_INDEX_DIR": str(tmp / "search-index"),
                      "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024})
    with app.app_context():
        db.create_all()
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        reason = f"{CHROMIUM} is missing: install Debian's chromium package"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_sign_in_through_the_real_page_lands_on_the_french_home(live_server, page):
    base, _port = live_server
    page.goto(f"{base}/acme/hc/fr/signin")
    assert page.get_attribute("html", "lang") == "fr"
    page.fill("input[name=email]", "user@example.com")
    page.fill("input[name=password]", "demo-password")
    page.click("form:has(input[name=password]) [type=submit]")
    page.wait_for_url(f"{base}/acme/hc/fr/")
    assert page.get_attribute("html", "lang") == "fr"
    assert "Haru Tanaka" in page.inner_text("header")
    assert page.locator("input[name=password]").count() == 0


def test_host_mapping_serves_the_brand_without_its_prefix(live_server, page):
    _base, port = live_server
    page.goto(f"http://globex.localhost:{port}/hc/fr/")
    assert page.get_attribute("html", "lang") == "fr"
    assert "Globex HR" in page.inner_text("header")
