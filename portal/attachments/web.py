"""The HTML forms' side of attachments: the files a form posted, as the services' inputs, and
the hint that tells people what they may attach (the brand's limits)."""
from functools import lru_cache

from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2.filters import do_filesizeformat
from markupsafe import Markup, escape

from ..templating import cached_url_for
from . import bp
from .services import FIELD, IncomingFile, limits_of

# The names of the kinds a brand may allow (brands.settings.ATTACHMENT_KINDS), also on the admin page.
ATTACHMENT_KIND_LABELS = {"image": _l("Images"), "pdf": _l("PDF"), "office": _l("Office documents"),
                          "text": _l("Text"), "archive": _l("Archives")}


def posted_files(name: str = FIELD) -> list[IncomingFile]:
    """The files chosen in the form's file input (an input left empty sends one nameless part)."""
    return [IncomingFile(item.filename, item.stream) for item in request.files.getlist(name)
            if item.filename or item.content_length]


def hint(brand) -> str:
    limits = limits_of(brand)
    return _hint(limits.per_comment, limits.max_mb, tuple(limits.kinds), str(get_locale()))


@lru_cache(maxsize=256)  # the same words on every ticket and request page; building them cost ~0.3 ms
def _hint(per_comment: int, max_mb: int, kinds: tuple, _locale: str) -> str:
    names = ", ".join(str(ATTACHMENT_KIND_LABELS[kind]) for kind in kinds if kind in ATTACHMENT_KIND_LABELS)
    return _("Up to %(count)d files of %(max)d MB each: %(kinds)s.", count=per_comment, max=max_mb, kinds=names)


def refuse_on(field, error) -> None:
    """Put a refused file's message on the form's file input (the page's error summary links it)."""
    field.errors = list(field.errors or []) + [error.message]


@bp.app_template_global()
def file_lists(files: dict) -> dict:
    """{comment id: the `<ul>` of its files} for a whole thread (`files`: services.of_comments),
    built in Python with one URL and one label for the page: a thread of 50 comments with files
    is a hot page, where a Jinja macro per comment cost ~70 µs (cached_url_for alone ~27 µs)."""
    if not files:
        return {}
    prefix, label = _download_prefix(), escape(_("Attachments"))
    return {comment_id: _file_list(rows, prefix, label) for comment_id, rows in files.items()}


@bp.app_template_global()
def file_list(rows) -> Markup:
    """One list of files (a draft's): as file_lists."""
    return _file_list(rows, _download_prefix(), escape(_("Attachments"))) if rows else Markup("")


def _download_prefix() -> str:
    """`…/attachments/` of this brand: the download is `<prefix><id>`, its thumbnail
    `<prefix><id>/thumbnail` (the routes in views.py; tests/attachments/test_helpcentre.py
    compares the links with url_for)."""
    return cached_url_for("attachments.download", attachment_id=1)[:-1]


def _file_list(rows, prefix: str, label: str) -> Markup:
    items = []
    for row in rows:
        url = f"{prefix}{row.id}"
        thumbnail = (f'<img src="{url}/thumbnail" alt="" class="img-thumbnail d-block mb-1" loading="lazy">'
                     if row.has_thumbnail else "")
        items.append(f'<li class="attachment small"><a href="{url}">{thumbnail}{escape(row.file_name)}</a> '
                     f'<span class="text-muted">({do_filesizeformat(row.size)})</span></li>')
    return Markup(f'<ul class="list-unstyled d-flex flex-wrap gap-3 ps-3 mb-3 attachments" aria-label="{label}">'
                  + "".join(items) + "</ul>")
