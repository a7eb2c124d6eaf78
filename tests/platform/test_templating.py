"""The template layer (portal/templating.py, portal/i18n.py, portal/labels.py): one set of gettext
and label functions, the cached url_for under its own name, and the byte-bounded LRU behind the
fragment and link caches."""
import random

from flask import render_template_string, url_for
from flask_babel import force_locale

from portal import i18n, labels
from portal.templating import ByteBoundedLRU, text_bytes


def test_one_gettext_and_one_set_of_labels(app):
    globals_ = app.jinja_env.globals
    assert globals_["_"] is globals_["gettext"] is i18n.template_gettext
    assert globals_["ngettext"] is i18n.template_ngettext
    assert globals_["pgettext"] is i18n.template_pgettext and globals_["npgettext"] is i18n.template_npgettext
    for name, function in labels.TEMPLATE_FUNCTIONS.items():
        assert globals_[name] is function
    with app.test_request_context("/"):
        context = {}
        app.update_template_context(context)
    assert not {"_", "gettext", "ngettext", "url_for", *labels.TEMPLATE_FUNCTIONS} & set(context)  # nothing shadows them


def _render_in(app, locale: str, template: str, **values) -> str:
    with app.test_request_context("/"), force_locale(locale):
        return render_template_string(template, **values)


def test_every_form_follows_the_render_language(app):
    template = ("{{ _('Closed') }}|{{ ngettext('%(num)d user found.', '%(num)d users found.', 2) }}|"
                "{{ pgettext('x', 'Closed') }}|{{ npgettext('x', 'one %(num)d', 'many %(num)d', 1) }}|"
                "{{ status_text('closed') }}|{{ _('<%(who)s>', who='<b>') }}")
    english, french = _render_in(app, "en", template), _render_in(app, "fr", template)
    assert english == "Closed|2 users found.|Closed|one 1|Closed|<&lt;b&gt;>"
    assert french.startswith("Clos|2 utilisateurs") and french.endswith("|Clos|<&lt;b&gt;>")


def test_trans_blocks_call_the_same_functions(app):
    template = ("{% trans %}Closed{% endtrans %}|"
                "{% trans count=n %}{{ count }} user found.{% pluralize %}{{ count }} users found.{% endtrans %}|"
                "{% trans who='<b>' %}Hello {{ who }}{% endtrans %}")
    french, english = _render_in(app, "fr", template, n=3), _render_in(app, "en", template, n=1)
    assert french == "Clos|3 users found.|Hello &lt;b&gt;"  # (no French for those two)
    assert english == "Closed|1 user found.|Hello &lt;b&gt;"


def test_imported_macros_speak_the_page_language(app):
    macro = app.jinja_env.from_string("{% macro m() %}{{ _('Closed') }} {{ status_text('closed') }}{% endmacro %}")
    with app.test_request_context("/"), force_locale("fr"):
        render_template_string("{{ x }}", x=1)  # the render sets the translations macros read
        assert str(macro.module.m()) == "Clos Clos"


def test_templates_call_the_cached_url_for_and_flask_keeps_its_own(app):
    assert app.jinja_env.globals["url_for"] == app.url_for  # bootstrap-flask's macros get Flask's
    with app.test_request_context("/"):
        nav = render_template_string("{% from 'bootstrap5/nav.html' import render_nav_item %}"
                                     "{{ render_nav_item('static', 'CSS', filename='x.css') }}")
        assert f'href="{url_for("static", filename="x.css")}"' in nav
        assert render_template_string("{{ url_for('static', filename='x.css') }}") == url_for("static", filename="x.css")
        assert render_template_string("{{ cached_url_for('static', filename='x.css') }}") == url_for(
            "static", filename="x.css")


def test_byte_bounded_lru_keeps_its_invariant():
    chooser = random.Random(13)
    cache = ByteBoundedLRU(max_bytes=100_000, largest_entry=10_000)
    sizes = {}
    for step in range(5_000):
        key = chooser.randrange(400)
        size = chooser.choice([1, 50, 700, 3_000, 9_999, 10_000, 10_001, 40_000])
        cache.put(key, f"value {key}", size)
        if size <= cache.largest_entry:
            sizes[key] = size
        kept = cache.keys()
        assert cache.bytes == sum(sizes[k] for k in kept) <= cache.max_bytes, step
        assert len(kept) == len(cache)
        if step % 7 == 0 and kept:
            hit = chooser.choice(kept)
            assert cache.get(hit) == f"value {hit}"
            assert cache.keys()[-1] == hit  # a hit becomes the most recent
    assert cache.get("never kept") is None


def test_byte_bounded_lru_evicts_least_recent_first_and_refuses_giants():
    cache = ByteBoundedLRU(max_bytes=300, largest_entry=150)
    cache.put("a", 1, 100)
    cache.put("b", 2, 100)
    cache.put("c", 3, 100)
    assert cache.get("a") == 1
    cache.put("d", 4, 100)  # over the bound: "b", the least recent, goes
    assert cache.keys() == ["c", "a", "d"] and cache.bytes == 300
    cache.put("c", 5, 50)  # replaced, counted once
    assert cache.keys() == ["a", "d", "c"] and cache.bytes == 250 and cache.get("c") == 5
    cache.put("giant", 6, 151)
    assert cache.get("giant") is None and cache.bytes == 250


def test_an_entry_counts_its_text():
    body = "x" * 32_000
    assert text_bytes(body, 7, None) > 32_000
    assert text_bytes("é" * 1_000) > text_bytes("e" * 1_000)  # wider characters take more memory


def test_a_render_language_never_outlives_its_app_context(app):
    with app.app_context(), app.test_request_context("/"), force_locale("fr"):
        assert render_template_string("{{ _('Closed') }}") == "Clos"
    with app.app_context(), app.test_request_context("/"), force_locale("en"):
        assert app.jinja_env.from_string("{{ _('Closed') }}").render() == "Closed"  # no page render in between
