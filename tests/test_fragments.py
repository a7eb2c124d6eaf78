"""Cached comment fragments (portal.templating.cached_fragment): keyed by the row's values and the
reader's language and time zone, so a cached comment never shows another language or a stale name."""
from collections import namedtuple
from datetime import datetime

from flask import render_template_string
from flask_babel import force_locale

Row = namedtuple("Row", "id ticket_id author_id body is_public channel assisted_by_id created_at "
                        "author_name assisted_by_name")
TEMPLATE = "{{ row|cached_fragment('agent/_comment.html') }}"


def _row(**changes):
    values = dict(id=1, ticket_id=1, author_id=1, body="See https://example.org/kb <now>", is_public=False,
                  channel="phone", assisted_by_id=None, created_at=datetime(2026, 3, 4, 15, 6),
                  author_name="Ada", assisted_by_name=None)
    return Row(**{**values, **changes})


def test_each_language_gets_its_own_rendering(app):
    with app.test_request_context("/"):
        with force_locale("en"):
            english = render_template_string(TEMPLATE, row=_row())
        with force_locale("fr"):
            french = render_template_string(TEMPLATE, row=_row())
        with force_locale("en"):
            again = render_template_string(TEMPLATE, row=_row())
    assert "Internal note" in english and "Phone" in english and "Mar 4, 2026" in english
    assert "Note interne" in french and "4 mars 2026" in french
    assert again == english
    assert "&lt;now&gt;" in english and 'href="https://example.org/kb"' in english  # escaped, linked


def test_a_changed_row_is_rendered_again(app):
    with app.test_request_context("/"), force_locale("en"):
        before = render_template_string(TEMPLATE, row=_row())
        renamed = render_template_string(TEMPLATE, row=_row(author_name="Ada Lovelace"))
        assisted = render_template_string(TEMPLATE, row=_row(assisted_by_name="Grace"))
    assert "Ada Lovelace" in renamed and "Ada Lovelace" not in before
    assert "assisted by Grace" in assisted
