"""What every template can use: brand, header links (policy decides), language, dates, linkify."""
import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable
from datetime import UTC
from functools import lru_cache
from urllib.parse import urlencode

from babel import Locale, dates
from flask import current_app, g, has_request_context, request, url_for
from flask_babel import format_date, format_datetime, get_locale, get_timezone, get_translations
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

from . import policy
from .brands.resolver import brand_url_defaults
from .i18n import forget_render_translations, remember_render_translations
from .form_errors import error_list
from .labels import TEMPLATE_FUNCTIONS


def _can_use_workspace() -> bool:
    """The header's workspace link: staff of the brand at hand (policy decides)."""
    brand = g.get("brand")
    if brand is None or not current_user.is_authenticated:
        return False
    return policy.can_use_workspace(current_user, brand)


def _is_brand_admin() -> bool:
    """The header's administration link (policy decides)."""
    return policy.is_brand_admin(current_user, g.get("brand"))


def _my_brands():
    """Brands the signed-in user belongs to, for the brand switch in the header."""
    if not current_user.is_authenticated:
        return []
    # The memberships came with the signed-in user (auth.sessions), brands included.
    return sorted((membership.brand for membership in current_user.memberships), key=lambda brand: brand.name)


def _language_links():
    """For pages with the locale in their URL, plain links to the same page in each language."""
    if request.endpoint and g.get("url_locale") and g.get("brand") and request.view_args is not None:
        # The query is carried over as it is, never as url_for arguments: a key named like a
        # path value (`ticket_id`, `brand`) or an option (`_method`) must not change the link.
        query = "?" + urlencode(list(request.args.items(multi=True))) if request.args else ""
        args = dict(request.view_args)
        links = {}
        for locale in g.brand_settings.locales:
            args["locale"] = locale
            links[locale] = url_for(request.endpoint, **args) + query
        return links
    return None


# Runs on already-escaped text, so a link can never carry a quote or an angle bracket; trailing
# punctuation (and an escaped entity) stays outside the link.
_LINK = re.compile(r"\bhttps?://[^\s&<>\"']+(?:&amp;[^\s&<>\"']+)*(?<![.,;:!?)\]])", re.IGNORECASE)
_NEWLINE = re.compile(r"\r\n|\r|\n")


def _link(match) -> str:
    url = match.group(0)
    return f'<a href="{url}" rel="nofollow noopener noreferrer" target="_blank">{url}</a>'


def linkify(text) -> Markup:
    """Plain text as HTML: everything escaped, http(s) links made clickable, line breaks kept
    (DESIGN §12). A precompiled regex: cheaper than Jinja's urlize on long threads."""
    html = _LINK.sub(_link, str(escape(text or "")))
    return Markup(_NEWLINE.sub("<br>\n", html))


def _workspace_links():
    """The workspace tools this person may open here; each page still checks on its own."""
    brand = g.get("brand")
    if brand is None or not current_user.is_authenticated:
        return []
    links = []
    if policy.can_search_users(current_user, brand):
        links.append((_("Find users"), cached_url_for("search.users")))
    if policy.assist_allowed(current_user, brand, policy.USE_ASSIST):
        links.append((_("Assisted service"), cached_url_for("assist.panel")))
    if policy.assist_allowed(current_user, brand, policy.VIEW_REPORTS):
        links.append((_("Interaction log"), cached_url_for("assist.interactions")))
        links.append((_("Dashboards"), cached_url_for("assist.dashboards")))
    return links


# Fields of CLDR date patterns computed straight from the datetime; any other field (time zone
# names, weekdays, eras...) goes through Babel's own formatter.
_NUMERIC_FIELDS = {
    "y": lambda dt: str(dt.year), "yy": lambda dt: f"{dt.year % 100:02d}",
    "M": lambda dt: str(dt.month), "MM": lambda dt: f"{dt.month:02d}",
    "d": lambda dt: str(dt.day), "dd": lambda dt: f"{dt.day:02d}",
    "h": lambda dt: str(dt.hour % 12 or 12), "hh": lambda dt: f"{dt.hour % 12 or 12:02d}",
    "H": lambda dt: str(dt.hour), "HH": lambda dt: f"{dt.hour:02d}",
    "m": lambda dt: str(dt.minute), "mm": lambda dt: f"{dt.minute:02d}",
    "s": lambda dt: str(dt.second), "ss": lambda dt: f"{dt.second:02d}",
}


def _field_formatter(key: str, locale: Locale):
    if key in _NUMERIC_FIELDS:
        return _NUMERIC_FIELDS[key]
    if key in ("MMM", "MMMM"):
        names = locale.months["format"]["abbreviated" if key == "MMM" else "wide"]
        return lambda dt: names[dt.month]
    if key == "a":
        periods = locale.day_periods["format"]["abbreviated"]
        return lambda dt: periods["am" if dt.hour < 12 else "pm"]
    return lambda dt: dates.DateTimeFormat(dt, locale)[key]


# One way to write a moment on every page, per locale (issue 14): the date in words, the time to
# the minute ("Dec 2, 2026, 7:03 PM", "2 déc. 2026, 19:03"); a date alone is the same date.
HOUSE = "house"
HOUSE_DATE = "medium"


@lru_cache(maxsize=32)
def _datetime_formatter(locale_name: str, fmt: str):
    """The locale's date-and-time pattern for a named format (HOUSE: the medium date and the short
    time, joined as the medium format joins them), compiled once into one function per field (Babel
    would build and apply three patterns per call, field by field: the ticket page formats ~100
    dates). The text is Babel's, to the character (tests compare the two)."""
    locale = Locale.parse(locale_name)
    date_format, time_format = (HOUSE_DATE, "short") if fmt == HOUSE else (fmt, fmt)
    combined = (dates.get_datetime_format(HOUSE_DATE if fmt == HOUSE else fmt, locale=locale)
                .replace("{0}", dates.get_time_format(time_format, locale=locale).pattern)
                .replace("{1}", dates.get_date_format(date_format, locale=locale).pattern))
    pattern = dates.parse_pattern(combined)
    keys = re.findall(r"%\((\w+)\)s", pattern.format)
    fields = [(key, _field_formatter(key, locale)) for key in keys]
    return lambda dt: pattern.format % {key: field(dt) for key, field in fields}


def format_datetime_cached(value, fmt: str = "medium", locale_and_zone=None) -> str:
    """Same text as flask_babel.format_datetime (user's time zone and locale), faster.
    `locale_and_zone`: the request's, when the caller already has them."""
    if not value:
        return ""
    if fmt not in ("full", "long", "medium", "short", HOUSE):
        return format_datetime(value, fmt)
    locale, zone = locale_and_zone or _locale_and_zone()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(zone)
    normalize = getattr(zone, "normalize", None)  # pytz zones
    return _datetime_formatter(locale, fmt)(normalize(local) if normalize else local)


def _locale_and_zone() -> tuple[str, object]:
    return str(get_locale()), get_timezone()


@pass_context
def _datetime_filter(context, value) -> str:
    # The render's locale and zone, read once by the context processor (a thread formats ~100
    # dates); macros imported without context look them up.
    return format_datetime_cached(value, HOUSE, context.get("_locale_and_zone"))


class ByteBoundedLRU:
    """A least-recently-used map bounded by the bytes its entries hold, as the caller counts them
    (text_bytes below). Invariant: `bytes` is the sum of the kept entries' sizes and never exceeds
    `max_bytes`; an entry larger than `largest_entry` (a fraction of the bound) is never kept, so
    one huge row cannot push out thousands of others. A hit makes its entry the most recent.
    Thread-safe; per worker process."""

    def __init__(self, max_bytes: int, largest_entry: int | None = None):
        self.max_bytes = max_bytes
        self.largest_entry = max_bytes // 32 if largest_entry is None else largest_entry
        self.bytes = 0
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()  # oldest first
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        """The value kept for `key`, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value, size: int) -> None:
        """Keep `value` (not None) as the most recent entry, evicting the least recent ones until
        the bound holds again; too large a value is not kept."""
        if size > self.largest_entry:
            return
        with self._lock:
            replaced = self._entries.pop(key, None)
            if replaced is not None:
                self.bytes -= replaced[1]
            self._entries[key] = (value, size)
            self.bytes += size
            while self.bytes > self.max_bytes:
                _key, (_value, evicted) = self._entries.popitem(last=False)
                self.bytes -= evicted

    def keys(self) -> list:
        """The kept keys, least recently used first."""
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


# What one entry costs besides its text (the key and row tuples, numbers and dates, the map's own
# node), measured with tracemalloc: ~300 bytes for a comment row, ~480 for a link.
ENTRY_OVERHEAD = 512


def text_bytes(*values) -> int:
    """An entry's size for ByteBoundedLRU: the memory of its text values (a comment's body can
    be 32,000 characters) plus ENTRY_OVERHEAD."""
    return ENTRY_OVERHEAD + sum(sys.getsizeof(value) for value in values if isinstance(value, str))


@pass_context
def _cached_fragment(context, row, template_name: str) -> Markup:
    """A thread row rendered by a small template, cached by its values: a comment never changes
    once written, so its HTML depends only on the row and the reader's language and time zone
    (threads of 50 comments are the workspace's and help centre's hottest loops)."""
    locale, zone = context.get("_locale_and_zone") or _locale_and_zone()
    # Keyed by the values as a plain tuple (comparing SQLAlchemy rows costs ~15 µs each); each
    # fragment template is fed rows of one shape, so the values say everything.
    values = tuple(row)
    key = (template_name, values, locale, str(zone))
    html = _FRAGMENTS.get(key)
    if html is None:
        html = Markup(current_app.jinja_env.get_template(template_name).render(c=row))
        _FRAGMENTS.put(key, html, text_bytes(html, locale, key[3], *values))
    return html


# Per worker. The keys hold whole comment rows, so a count would not bound the memory: 10,000
# rows with long bodies are hundreds of MB.
FRAGMENT_CACHE_BYTES = 16 * 1024 * 1024
_FRAGMENTS = ByteBoundedLRU(FRAGMENT_CACHE_BYTES)


def option_tags(choices, chosen) -> Markup:
    """`<option>` tags for (value, label) or (value, label, data-groups) choices, the one whose
    value is `chosen` (compared as text) selected. Python, not a Jinja loop: the assignee list
    has one option per agent, about 10 µs each in Jinja; and the same list comes back on every
    ticket of a brand, so its tags are built once per list."""
    tags, position = _option_tags(tuple(tuple(choice) for choice in choices))
    selected = position.get("" if chosen is None else str(chosen))
    return Markup("".join(head + " selected" + tail if index == selected else head + tail
                          for index, (head, tail) in enumerate(tags)))


@lru_cache(maxsize=64)
def _option_tags(choices: tuple) -> tuple[tuple, dict]:
    """Each option's tag cut where ` selected` goes, and the position of each value."""
    tags, position = [], {}
    for value, label, *groups in choices:
        value = str(value)
        data = f' data-groups="{escape(groups[0])}"' if groups else ""
        position.setdefault(value, len(tags))
        tags.append((f'<option value="{escape(value)}"{data}', f">{escape(label)}</option>"))
    return tuple(tags), position


URL_CACHE_BYTES = 4 * 1024 * 1024  # per app and worker: ~7,000 links of ~560 bytes


def cached_url_for(endpoint: str, **values) -> str:
    """Flask's url_for, remembered per app for plain links (templates call it by this name; Flask's
    own `url_for` stays, for bootstrap-flask's macros and anything else): a page builds some
    thirty URLs at ~10 µs each, and one depends only on the endpoint, its values, what the URL
    defaults fill in (brands.resolver.brand_url_defaults) and the mount point. Relative
    endpoints, options (`_external`, `_anchor`…) and unhashable values go straight to Flask."""
    if not has_request_context() or endpoint.startswith(".") or any(key.startswith("_") for key in values):
        return url_for(endpoint, **values)
    urls = current_app.extensions["cached_urls"]
    try:
        key = (request.script_root, endpoint, tuple(brand_url_defaults(endpoint, values).items()),
               tuple((name, type(value), value) for name, value in values.items()))
        url = urls.get(key)
    except TypeError:  # a value that cannot be a key
        return url_for(endpoint, **values)
    if url is None:
        url = url_for(endpoint, **values)
        urls.put(key, url, text_bytes(url, *values.values()))
    return url


def bootstrap_tags(kind: str) -> Markup:
    """Bootstrap's stylesheet ("css") or script ("js") tags from bootstrap-flask, built once per
    app and mount point: they depend only on the configuration."""
    from .extensions import bootstrap

    tags = current_app.extensions.setdefault("bootstrap_tags", {})
    key = (kind, request.script_root if has_request_context() else "")
    if key not in tags:
        tags[key] = bootstrap.load_css() if kind == "css" else bootstrap.load_js()
    return tags[key]


def _known_name(user) -> str:
    """A person as this brand may name them: their name once a member, else the e-mail its staff
    typed (an invited person, DESIGN §2)."""
    brand = g.get("brand")
    return user.name if brand is not None and user.membership_in(brand) is not None else user.email


def register(app):
    @app.context_processor
    def inject():
        remember_render_translations(get_translations())  # for the gettext and label functions
        return {
            "current_brand": g.get("brand"),
            "brand_settings": g.get("brand_settings"),
            "can_use_workspace": _can_use_workspace,
            "is_brand_admin": _is_brand_admin,
            "my_brands": _my_brands,
            "language_links": _language_links,
            "language_names": {"en": "English", "fr": "Français"},
            "get_locale": get_locale,
            "workspace_links": _workspace_links,
            "_locale_and_zone": _locale_and_zone(),
        }

    app.teardown_appcontext(forget_render_translations)
    app.extensions["cached_urls"] = ByteBoundedLRU(URL_CACHE_BYTES)
    app.jinja_env.globals.update(TEMPLATE_FUNCTIONS, option_tags=option_tags, cached_url_for=cached_url_for,
                                bootstrap_tags=bootstrap_tags, error_list=error_list)
    app.jinja_env.filters["linkify"] = linkify
    app.jinja_env.filters["known_name"] = _known_name
    app.jinja_env.filters["cached_fragment"] = _cached_fragment
    app.jinja_env.filters["datetime"] = _datetime_filter
    app.jinja_env.filters["date"] = lambda value: format_date(value, HOUSE_DATE) if value else ""
