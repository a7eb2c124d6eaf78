"""The HTML forms' side of attachments: the files a form posted, as the services' inputs, and
the hint that tells people what they may attach (the brand's limits)."""
from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

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
    kinds = ", ".join(str(ATTACHMENT_KIND_LABELS[kind]) for kind in limits.kinds if kind in ATTACHMENT_KIND_LABELS)
    return _("Up to %(count)d files of %(max)d MB each: %(kinds)s.", count=limits.per_comment, max=limits.max_mb,
             kinds=kinds)


def refuse_on(field, error) -> None:
    """Put a refused file's message on the form's file input (the page's error summary links it)."""
    field.errors = list(field.errors or []) + [error.message]
