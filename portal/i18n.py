"""Locale choice (DESIGN §9): URL, then the language switched to in this session, then the
user's preference, then the brand default, then Accept-Language. Also the `flask translate`
commands wrapping pybabel."""
import os
import subprocess
import sys
from contextvars import ContextVar

import click
from flask import Blueprint, current_app, g, has_request_context, redirect, request, session
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from .redirects import safe_local_target

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    url_locale = g.get("url_locale") or _locale_of_the_help_centre_page()
    if url_locale in languages:
        return url_locale
    if session.get("locale") in languages:  # switched to in this session (the header's buttons)
        return session["locale"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    brand_settings = g.get("brand_settings")
    if brand_settings is not None and brand_settings.default_locale in languages:
        return brand_settings.default_locale
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


# Each render's translations, read once by portal.templating's context processor (so under any
# force_locale): Flask-Babel's own lookup walks the request context four times per string, and a
# ticket page translates ~200. Templates have one set of gettext functions, below: Jinja's
# newstyle gettext (the translation is a format string, its variables escaped), reading those
# translations. They take the eval context, never the context: Jinja copies the whole context on
# every call of a `pass_context` callable made after a `{% set %}` in a block. Imported macros
# and cached fragments, rendered without the page's context, use the same ones.
# The translations sit in a context variable, not on `g`: they are read ~100 times a page and
# `g`'s proxy costs ~3 µs a read (a context variable ~0.1 µs); the app context's teardown
# (portal.templating.register) forgets them, so they live exactly as long as `g` would.
_render_translations: ContextVar = ContextVar("render_translations", default=None)


def remember_render_translations(translations) -> None:
    _render_translations.set(translations)


def forget_render_translations(_error=None) -> None:
    _render_translations.set(None)


def template_translations():
    """The current render's translations (or Flask-Babel's lookup outside a render)."""
    return _render_translations.get() or get_translations()


def _formatted(eval_ctx, translated: str, variables: dict) -> str:
    """Markup when autoescaping, and always a format string whose variables are escaped."""
    if eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables


@pass_eval_context
def template_gettext(eval_ctx, string: str, /, **variables) -> str:
    return _formatted(eval_ctx, template_translations().ugettext(string), variables)


@pass_eval_context
def template_ngettext(eval_ctx, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("num", num)
    return _formatted(eval_ctx, template_translations().ungettext(singular, plural, num), variables)


@pass_eval_context
def template_pgettext(eval_ctx, context: str, string: str, /, **variables) -> str:
    variables.setdefault("context", context)
    return _formatted(eval_ctx, template_translations().upgettext(context, string), variables)


@pass_eval_context
def template_npgettext(eval_ctx, context: str, singular: str, plural: str, num: int, /, **variables) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    return _formatted(eval_ctx, template_translations().unpgettext(context, singular, plural, num), variables)


@pass_eval_context
def notice_text(eval_ctx, notice) -> str:
    """A notice (portal.notices) in the language of the page showing it."""
    if not isinstance(notice, dict):
        return notice
    return template_gettext(eval_ctx, notice["msgid"], **notice.get("values", {}))


def install_template_gettext(app) -> None:
    """Templates' `_`, `gettext`, `ngettext`, `pgettext` and `npgettext` (what `{% trans %}` blocks
    call too), in place of the ones Flask-Babel installed (after babel.init_app)."""
    app.jinja_env.newstyle_gettext = True  # `{% trans %}` hands its variables to the functions
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext,
                                 pgettext=template_pgettext, npgettext=template_npgettext, notice_text=notice_text)


def speaks_help_centre_language(view):
    """Mark a workspace page that is a step of a help-centre flow (the assist panel, reached by
    `?asm=true` with the page in `next`): it speaks that page's language, as the page did."""
    view.speaks_help_centre_language = True
    return view


def _locale_of_the_help_centre_page() -> str | None:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if not getattr(view, "speaks_help_centre_language", False):
        return None
    return locale_in_path(request.values.get("next"))


def locale_in_path(path: str | None) -> str | None:
    """The language of a help-centre path (/<brand>/hc/<locale>/…), else None."""
    parts = (path or "").split("/")
    return parts[3] if len(parts) > 3 and parts[2] == "hc" and parts[3] in current_app.config["LANGUAGES"] else None


def swap_locale_in_path(path: str, locale: str) -> str:
    """/<brand>/hc/<old>/rest -> /<brand>/hc/<locale>/rest; other paths are unchanged."""
    parts = path.split("/")
    if len(parts) > 3 and parts[2] == "hc":
        parts[3] = locale
    return "/".join(parts)


@bp.post("/locale")
def switch_locale():
    """The language switch of pages without a locale in their URL (workspace, administration):
    it holds for this session. It never rewrites the profile's preferred language, which is what
    mail and other sessions use: the person changes that in their profile (issue 14 item 3)."""

    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        from flask import abort

        abort(400)
    session["locale"] = locale
    target = safe_local_target(request.form.get("next"), "/")
    return redirect(swap_locale_in_path(target, locale))


def register(app):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    pot = os.path.join(root, "translations", "messages.pot")

    def pybabel(*args):
        cmd = [sys.executable, "-m", "babel.messages.frontend", *args]
        if subprocess.call(cmd, cwd=root):
            raise click.ClickException("pybabel failed: " + " ".join(args))

    @app.cli.group()
    def translate():
        """Update and compile the translation catalogues."""

    @translate.command()
    def update():
        """Extract strings and merge them into every catalogue."""
        pybabel("extract", "-F", "config/babel.cfg", "-k", "_l", "--no-location", "-o", pot, ".")
        pybabel("update", "-i", pot, "-d", "translations", "--no-fuzzy-matching")
        os.remove(pot)

    @translate.command()
    def compile():
        """Compile the catalogues for use."""
        pybabel("compile", "-d", "translations")
