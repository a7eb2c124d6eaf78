"""Templates' url_for remembers plain links per app, and a link still follows its brand and
language; bootstrap's tags are built once."""
from flask import g, url_for

from portal.templating import cached_url_for


def test_each_page_links_to_its_own_brand_and_language(client, make_brand):
    make_brand("acme")
    make_brand("globex")
    for brand, locale in [("acme", "en"), ("acme", "fr"), ("globex", "en"), ("globex", "fr"), ("acme", "en")]:
        html = client.get(f"/{brand}/hc/{locale}/").get_data(as_text=True)
        assert f'class="navbar-brand" href="/{brand}/hc/{locale}/"' in html


def test_same_urls_as_flask_and_options_go_straight_to_flask(app, make_brand):
    acme = make_brand("acme")
    with app.test_request_context("/acme/agent/"):
        g.brand, g.url_locale = acme, "fr"
        for endpoint, values in [("agent.ticket", {"ticket_id": 7}), ("agent.home", {"view": "mine", "page": 2}),
                                 ("helpcenter.home", {}), ("static", {"filename": "js/app.js"})]:
            assert cached_url_for(endpoint, **values) == url_for(endpoint, **values)
            assert cached_url_for(endpoint, **values) == url_for(endpoint, **values)  # remembered
        assert cached_url_for("helpcenter.home") == "/acme/hc/fr/"
        assert cached_url_for("agent.ticket", ticket_id=7, _external=True) == "http://localhost/acme/agent/tickets/7"
        assert cached_url_for("agent.home", view=["a", "b"]) == url_for("agent.home", view=["a", "b"])
    with app.test_request_context("/acme/agent/", base_url="http://localhost/desk/"):
        g.brand, g.url_locale = acme, "en"
        assert cached_url_for("agent.ticket", ticket_id=7) == "/desk/acme/agent/tickets/7"
        assert cached_url_for("helpcenter.home") == "/desk/acme/hc/en/"


def test_bootstrap_tags_are_bootstrap_flasks_own(app):
    from portal.extensions import bootstrap
    from portal.templating import bootstrap_tags

    with app.test_request_context("/"):
        assert bootstrap_tags("css") == bootstrap.load_css() and 'rel="stylesheet"' in bootstrap_tags("css")
        assert bootstrap_tags("js") == bootstrap.load_js() and "<script" in bootstrap_tags("js")


def test_query_keys_never_become_link_arguments(client, make_brand, make_user, login):
    """`?_method=x`, `?ticket_id=x` or `?brand=other` on a help-centre page only travel in the
    language links' query; they never change the path or break the page (issue 12 re-audit)."""
    make_brand("acme")
    make_brand("globex")
    for query in ("_method=x", "ticket_id=abc", "brand=globex", "locale=xx", "_external=1"):
        response = client.get(f"/acme/hc/en/?{query}")
        assert response.status_code == 200, query
        page = response.get_data(as_text=True)
        assert 'href="/acme/hc/fr/?' in page and 'href="/globex/hc/' not in page, query
