"""Redirect targets read from the request stay on this site (DESIGN §13), at the function and
through sign-in, the language switch and the workspace preferences."""
from urllib.parse import urljoin, urlsplit

import pytest

from portal.redirects import safe_local_target

# Each one, followed by a browser, leaves the site (or breaks the header) if passed through.
OFF_SITE = [
    "//evil.example",
    "//evil.example/path",
    "/\t/evil.example",            # what `/%09/evil.example` decodes to
    "/\n/evil.example",
    "/\r/evil.example",
    "/\x0b/evil.example",
    "/\x85/evil.example",          # a C1 control
    "\t//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "http://evil.example",
    "https://evil.example/",
    "https:evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " //evil",
    "\x00//evil.example",
    "evil.example",
    "",
    "///evil.example",              # what `/%2F%2Fevil.example` decodes to
]
# Harmless once the controls are gone, but must not break the answer.
BROKEN = ["/\r\nSet-Cookie:x=1", "\x00/", "/acme/hc/en/\r\n\r\n<h1>x</h1>"]
GOOD = ["/", "/acme/hc/en/profile", "/acme/hc/en/requests?page=2&sort=-updated#top",
        "/acme/hc/en/search?q=caf%C3%A9", "/%2F%2Fevil.example"]


@pytest.mark.parametrize("value", OFF_SITE)
def test_off_site_targets_give_the_default(value):
    assert safe_local_target(value, "/home") == "/home"


@pytest.mark.parametrize("value", BROKEN)
def test_control_characters_are_dropped_before_deciding(value):
    target = safe_local_target(value, "/home")
    assert target.startswith("/") and not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in target)


@pytest.mark.parametrize("value", GOOD)
def test_paths_on_this_site_are_kept(value):
    assert safe_local_target(value, "/home") == value


def test_missing_values_give_the_default():
    assert safe_local_target(None, "/home") == "/home"
    assert safe_local_target(["/x"], "/home") == "/home"


def _assert_stays_here(response):
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    assert not any(ord(c) < 32 or c == "\\" for c in location)
    resolved = urlsplit(urljoin("http://localhost/acme/hc/en/signin", location))
    assert (resolved.scheme, resolved.netloc) == ("http", "localhost"), location
    return location


@pytest.fixture
def acme(make_brand):
    return make_brand("acme")


@pytest.mark.parametrize("value", OFF_SITE + BROKEN)
def test_sign_in_never_sends_elsewhere(client, acme, make_user, value):
    user = make_user(roles={acme: "end_user"})
    response = client.post("/acme/hc/en/signin", query_string={"next": value},
                           data={"email": user.email, "password": "correct-horse-battery"})
    _assert_stays_here(response)


def test_sign_in_raw_query_with_an_encoded_tab(client, acme, make_user):
    user = make_user(roles={acme: "end_user"})
    response = client.post("/acme/hc/en/signin?next=/%09/evil.example",
                           data={"email": user.email, "password": "correct-horse-battery"})
    assert _assert_stays_here(response) == "/acme/hc/en/"


@pytest.mark.parametrize("value", ["/acme/hc/en/profile", "/acme/hc/en/requests?page=2"])
def test_sign_in_still_goes_back_to_a_local_page(client, acme, make_user, value):
    user = make_user(roles={acme: "end_user"})
    response = client.post("/acme/hc/en/signin", query_string={"next": value},
                           data={"email": user.email, "password": "correct-horse-battery"})
    assert _assert_stays_here(response) == value


@pytest.mark.parametrize("value", OFF_SITE + BROKEN)
def test_language_switch_never_sends_elsewhere(client, acme, value):
    response = client.post("/locale", data={"locale": "fr", "next": value})
    _assert_stays_here(response)


def test_language_switch_still_goes_back_to_the_page_in_the_new_language(client, acme):
    response = client.post("/locale", data={"locale": "fr", "next": "/acme/hc/en/requests?page=2"})
    assert _assert_stays_here(response) == "/acme/hc/fr/requests?page=2"


@pytest.mark.parametrize("value", OFF_SITE + BROKEN)
def test_workspace_preferences_never_send_elsewhere(client, acme, make_user, login, value):
    login(acme, make_user(roles={acme: "agent"}))
    response = client.post("/acme/agent/preferences", data={"play_sound": "1", "next": value})
    _assert_stays_here(response)


def test_workspace_preferences_still_go_back_to_the_page(client, acme, make_user, login):
    login(acme, make_user(roles={acme: "agent"}))
    response = client.post("/acme/agent/preferences", data={"play_sound": "1", "next": "/acme/agent/tickets/1"})
    assert _assert_stays_here(response) == "/acme/agent/tickets/1"
