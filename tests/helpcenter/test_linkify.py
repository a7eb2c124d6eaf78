"""Template filters: comment bodies (escaped, http(s) links, line breaks) and cached date formats."""
from datetime import datetime

from portal.templating import linkify

ATTRS = 'rel="nofollow noopener noreferrer" target="_blank"'


def test_links_and_line_breaks_kept_with_punctuation_outside():
    html = str(linkify("Read https://example.org/kb/42?a=1&b=2.\r\nThen (http://intra.example/x)"))
    assert html == (f'Read <a href="https://example.org/kb/42?a=1&amp;b=2" {ATTRS}>https://example.org/kb/42?a=1&amp;b=2'
                    f'</a>.<br>\nThen (<a href="http://intra.example/x" {ATTRS}>http://intra.example/x</a>)')


def test_markup_is_escaped_and_other_schemes_stay_text():
    html = str(linkify('<script>x()</script> javascript:alert(1) ftp://files https://a.example/"onclick=x'))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<a ") == 1 and 'href="https://a.example/"' in html
    assert "javascript:alert(1)" in html and "ftp://files" in html and "&#34;onclick=x" in html


def test_empty_body():
    assert str(linkify(None)) == "" and str(linkify("")) == ""


# Every month, both halves of the day and the hours where 12-hour clocks turn (0, 11, 12, 13).
MOMENTS = [datetime(2026, month, month * 2, hour, month * 4, month)
           for month in range(1, 13) for hour in (0, 9, 11, 12, 13, 23)]


def _house(locale: str) -> str:
    """The pages' one format, built with Babel alone: the medium date and the short time, joined
    as the medium format joins them."""
    from babel import dates

    return (dates.get_datetime_format("medium", locale=locale)
            .replace("{0}", dates.get_time_format("short", locale=locale).pattern)
            .replace("{1}", dates.get_date_format("medium", locale=locale).pattern))


def test_cached_date_format_says_what_babel_says(app):
    from flask_babel import force_locale, format_datetime

    from portal.templating import format_datetime_cached

    with app.test_request_context("/"):
        for locale in ("en", "fr"):
            with force_locale(locale):
                for fmt in ("short", "medium", "long", "full"):
                    for moment in MOMENTS:
                        assert format_datetime_cached(moment, fmt) == format_datetime(moment, fmt)
                for moment in MOMENTS:
                    assert format_datetime_cached(moment, "house") == format_datetime(moment, _house(locale))
        assert format_datetime_cached(None) == ""


def test_datetime_filter_in_a_paris_time_zone_says_what_babel_says(app):
    from flask import render_template_string
    from flask_babel import force_locale, format_datetime, refresh

    app.extensions["babel"].default_timezone = "Europe/Paris"
    try:
        with app.test_request_context("/"):
            refresh()
            for locale in ("en", "fr"):
                with force_locale(locale):
                    for moment in MOMENTS:
                        shown = render_template_string("{{ moment|datetime }}", moment=moment)
                        assert shown == format_datetime(moment, _house(locale))
            # 00:04 UTC is 01:04 in Paris in January: the zone really applied.
            assert render_template_string("{{ moment|datetime }}", moment=MOMENTS[0]) == "Jan 2, 2026, 1:04\u202fAM"
            with force_locale("fr"):
                assert render_template_string("{{ moment|datetime }}", moment=MOMENTS[0]) == "2 janv. 2026, 01:04"
    finally:
        app.extensions["babel"].default_timezone = "UTC"
