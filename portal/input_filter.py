"""One filter for everything people send (DESIGN §12): form fields, query strings and JSON bodies
lose their control characters before any view reads them.

Dropped: C0 controls and DEL, except tab, line feed and carriage return (multi-line text keeps its
lines); a single-line value (a subject, a name, a one-line field) goes through single_line where it
is accepted. PostgreSQL refuses NUL in text (a 500
there), and the others only ever hide text from the people reading it.

JSON bodies nested deeper than MAX_JSON_DEPTH are refused with a 400 (Python's parser would
otherwise hit its recursion limit: a 500).
"""
import re
from collections.abc import Mapping

from flask import Request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Whatever breaks a line (or a header: "Subject\r\nBcc: …"), and tab.
_LINE_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]")
MAX_JSON_DEPTH = 64


def clean_text(value):
    """`value` without control characters (tab, LF and CR kept); anything not text unchanged."""
    if isinstance(value, str) and _CONTROLS.search(value):
        return _CONTROLS.sub("", value)
    return value


def single_line(value: str | None) -> str:
    """A value that must stay on one line: line and paragraph breaks and tabs become spaces,
    then the ends are stripped. None gives ""."""
    return _LINE_BREAKS.sub(" ", clean_text(value or "")).strip()


class CleanMultiDict(ImmutableMultiDict):
    """request.args, request.form (and so request.values): keys and values cleaned on the way in."""

    def __init__(self, mapping=None):
        super().__init__(None if mapping is None else [
            (clean_text(key), clean_text(value)) for key, value in _pairs(mapping)])


def _pairs(mapping):
    if isinstance(mapping, MultiDict):
        return mapping.items(multi=True)
    if isinstance(mapping, Mapping):
        return [(key, value) for key, values in mapping.items()
                for value in (values if isinstance(values, (list, tuple)) else [values])]
    return mapping


class CleanRequest(Request):
    parameter_storage_class = CleanMultiDict

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        """Each uploaded file's spool, remembered: when a body ends early, Werkzeug's parser drops
        the one it was filling, and only close() below would close it (attachments, issue 17)."""
        stream = super()._get_file_stream(total_content_length, content_type, filename, content_length)
        self.__dict__.setdefault("_file_streams", []).append(stream)
        return stream

    def close(self):
        super().close()
        for stream in self.__dict__.pop("_file_streams", ()):
            stream.close()


class JSONTooDeep(BadRequest):
    def __init__(self):
        super().__init__()
        self.guichet_message = _("The JSON body is nested more than %(depth)d levels deep.",
                                 depth=MAX_JSON_DEPTH)


class CleanJSONProvider(DefaultJSONProvider):
    """Every JSON document read (request bodies first): strings and keys cleaned, depth bounded."""

    def loads(self, s, **kwargs):
        try:
            data = super().loads(s, **kwargs)
        except RecursionError:
            raise JSONTooDeep() from None
        return _clean_json(data, 0)


def _clean_json(value, depth: int):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (dict, list)):
        if depth >= MAX_JSON_DEPTH:
            raise JSONTooDeep()
        if isinstance(value, dict):
            return {clean_text(key): _clean_json(item, depth + 1) for key, item in value.items()}
        return [_clean_json(item, depth + 1) for item in value]
    return value


def install(app) -> None:
    app.request_class = CleanRequest
    app.json = CleanJSONProvider(app)
