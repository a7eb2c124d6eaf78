"""Issue 14 item 3: a notice is shown in the language of the page that shows it, not of the page
that made it (portal.notices): the help centre speaks its URL's language, notices included."""
from tests.conftest import signin


def test_a_notice_made_in_french_shows_in_english_on_the_english_help_centre(client, make_brand, make_user):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"}, locale="fr")
    assert signin(client, brand, user, locale="fr").status_code == 302
    response = client.post("/acme/hc/fr/signout")
    assert response.status_code == 302
    page = client.get("/acme/hc/en/").get_data(as_text=True)
    assert "You are signed out." in page and "Vous êtes maintenant déconnecté" not in page


def test_the_same_notice_in_french_on_a_french_page(client, make_brand, make_user):
    brand = make_brand("acme")
    user = make_user(roles={brand: "end_user"})
    assert signin(client, brand, user).status_code == 302
    assert client.post("/acme/hc/en/signout").status_code == 302
    page = client.get("/acme/hc/fr/").get_data(as_text=True)
    assert "You are signed out." not in page and "Vous êtes maintenant déconnecté de votre compte." in page
    assert '<div class="alert alert-info" role="alert">' in page


def test_a_notice_with_values_escapes_them(client, make_brand, make_user, app):
    from portal.notices import N_, notify

    with app.test_request_context("/acme/hc/en/"):
        from flask import render_template_string

        notify(N_("Welcome, %(name)s. Your account is ready."), "success", name="<b>Eve</b>")
        html = render_template_string("{% for c, m in get_flashed_messages(with_categories=true) %}"
                                      "{{ notice_text(m) }}{% endfor %}")
    assert "Welcome, &lt;b&gt;Eve&lt;/b&gt;. Your account is ready." in html
