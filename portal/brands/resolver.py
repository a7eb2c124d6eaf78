"""Brand resolution, once per request (DESIGN §2, §11).

A mapped host gets its brand prefix added by one WSGI rewrite, so every URL has one form and the
views only ever see `/<brand>/…`. Views never parse the host.
"""
import time
from functools import lru_cache

from flask import abort, current_app, g, request
from sqlalchemy import bindparam, select

from ..extensions import db
from .models import Brand
from .settings import settings_for
from ..statements import statement

_HOST_CACHE_SECONDS = 10
# Paths served the same on every host (our static files, bootstrap-flask's local copy, the health
# check): never rewritten, and no host lookup for them.
UNPREFIXED = {"static", "bootstrap", "healthz"}
# Read on every request: built once (building a select costs more than running it).
@statement
def _brand_by_slug():
    return select(Brand).where(Brand.slug == bindparam("slug"))


class HostMappingMiddleware:
    def __init__(self, app):
        self.app = app
        self.wsgi_app = app.wsgi_app
        self._cache: dict[str, str] = {}
        self._loaded_at = 0.0

    def _slug_for_host(self, host: str) -> str | None:
        now = time.monotonic()
        if now - self._loaded_at > _HOST_CACHE_SECONDS:
            from ..database import read_connection

            with self.app.app_context(), read_connection() as conn:
                rows = conn.execute(
                    select(Brand.host_mapping, Brand.slug).where(Brand.host_mapping.is_not(None))
                ).all()
            self._cache = {h.lower(): s for h, s in rows}
            self._loaded_at = now
        return self._cache.get(host)

    def forget_hosts(self):
        self._loaded_at = 0.0

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST", "")
        host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        path = environ.get("PATH_INFO", "") or "/"
        first = path.lstrip("/").split("/", 1)[0]
        slug = self._slug_for_host(host.lower()) if host and first not in UNPREFIXED else None
        if slug and first != slug:
            # Another brand's prefix on a mapped host ends up as /<slug>/<other>/…: a 404.
            environ["PATH_INFO"] = "/" + slug + (path if path.startswith("/") else "/" + path)
        return self.wsgi_app(environ, start_response)


def pull_brand_values(endpoint, values):
    if values:
        g.brand_slug = values.pop("brand", None)
        g.url_locale = values.pop("locale", None)
    elif request.url_rule is None:
        # No page at this address: its error page still speaks the brand's language and leads
        # back into the brand, read from the path as a page of the brand would have it.
        parts = request.path.split("/")
        if len(parts) > 2 and parts[1] not in UNPREFIXED:
            g.brand_slug = parts[1]
            g.url_locale = parts[3] if len(parts) > 3 and parts[2] == "hc" and parts[3] else None


def serves_itself(view):
    """Mark a view that checks its brand and session itself, in its own single statement (the
    workspace poll): no brand row and no signed-in user are loaded for it beforehand."""
    view.serves_itself = True
    return view


def is_self_served() -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "serves_itself", False)


def _brand_of_signed_in_member(slug: str):
    """The brand when the signed-in person is a member of it: their memberships came with their
    session (one statement for both), so members' pages skip the brand lookup."""
    from flask_login import current_user

    if not current_user.is_authenticated:
        return None
    return next((m.brand for m in current_user.memberships if m.brand.slug == slug), None)


def load_brand():
    slug = g.get("brand_slug")
    g.brand = None
    if not slug or is_self_served():
        return
    brand = _brand_of_signed_in_member(slug) or db.session.execute(_brand_by_slug(), {"slug": slug}).scalar_one_or_none()
    if brand is None:
        from flask_babel import gettext as _

        from ..errors import abort_with

        abort_with(404, _("This help centre does not exist."))
    g.brand = brand
    g.brand_settings = settings_for(brand)
    if g.get("url_locale") is not None and g.url_locale not in g.brand_settings.locales:
        abort(404)


def add_brand_values(endpoint, values):
    for name, value in brand_url_defaults(endpoint, values).items():
        values.setdefault(name, value)


def brand_url_defaults(endpoint, values) -> dict:
    """What the URL defaults fill in for this endpoint: the page's brand and language, where its
    URL takes them and `values` does not give them (nothing outside a brand)."""
    brand = g.get("brand")
    if brand is None:
        return {}
    expects_brand, expects_locale = _expected_url_values(current_app.url_map, endpoint)
    defaults = {}
    if expects_brand and "brand" not in values:
        defaults["brand"] = brand.slug
    if expects_locale and "locale" not in values:
        from flask_babel import get_locale

        defaults["locale"] = g.get("url_locale") or str(get_locale())
    return defaults


@lru_cache(maxsize=1024)
def _expected_url_values(url_map, endpoint) -> tuple[bool, bool]:
    """Whether the endpoint's URL takes a brand and a locale; the rules are fixed once the app
    is built, and a page builds some thirty URLs."""
    return url_map.is_endpoint_expecting(endpoint, "brand"), url_map.is_endpoint_expecting(endpoint, "locale")

