"""Languages and the header's brand switch, as seen by a person with an account."""
from portal.auth.models import User
from portal.extensions import db


def _text(response):
    return response.get_data(as_text=True)


def test_help_centre_speaks_the_language_of_its_url(client, make_brand):
    make_brand("acme")
    assert '<html lang="fr">' in _text(client.get("/acme/hc/fr/"))
    assert '<html lang="en">' in _text(client.get("/acme/hc/en/"))
    assert '<html lang="fr">' in _text(client.get("/acme/hc/fr/signin"))


def test_help_centre_links_to_the_same_page_in_each_language(client, make_brand):
    make_brand("acme")
    page = _text(client.get("/acme/hc/en/signin"))
    assert 'href="/acme/hc/fr/signin"' in page


def test_locale_switch_remembers_an_anonymous_choice(client, make_brand):
    make_brand("acme")
    response = client.post("/locale", data={"locale": "fr", "next": "/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert '<html lang="fr">' in _text(client.get("/"))


def test_locale_switch_holds_for_the_session_and_leaves_the_preference_alone(client, make_brand, make_user, login):
    """Issue 14 item 3: a language switch changes the preference only when the person says so
    (in their profile); it holds for this session."""
    brand = make_brand("acme")
    user = make_user(roles={brand: "agent"}, locale="en")
    login(brand, user)
    response = client.post("/locale", data={"locale": "fr", "next": "/acme/hc/en/profile"})
    assert response.headers["Location"] == "/acme/hc/fr/profile"
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    assert '<html lang="fr">' in _text(client.get("/"))
    assert '<html lang="fr">' in _text(client.get("/acme/agent/"))


def test_locale_switch_refuses_unknown_languages_and_foreign_targets(client, make_brand):
    make_brand("acme")
    assert client.post("/locale", data={"locale": "de", "next": "/"}).status_code == 400
    response = client.post("/locale", data={"locale": "en", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_brand_switch_lists_the_users_brands_only_with_several(client, make_brand, make_user, login):
    acme, globex = make_brand("acme", "Acme IT"), make_brand("globex", "Globex HR")
    make_brand("initech", "Initech")
    user = make_user(roles={acme: "agent", globex: "end_user"})
    login(acme, user)
    page = _text(client.get("/acme/hc/en/"))
    # The switch names each of the user's brands (the header names only the current one).
    assert "Globex HR" in page and 'href="/globex/' in page
    assert "Initech" not in page


def test_no_brand_switch_with_one_membership(client, make_brand, make_user, login):
    acme = make_brand("acme", "Acme IT")
    make_brand("globex", "Globex HR")
    login(acme, make_user(roles={acme: "end_user"}))
    page = _text(client.get("/acme/hc/en/"))
    assert "Globex HR" not in page and "/globex/" not in page
