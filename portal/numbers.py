"""Numbers from outside (paths, query strings, forms, JSON) are bounded and parsed here, and only
here (DESIGN §13): out of range or not a number is "absent" or a clear 4xx, never a 500 and never
a value the database cannot hold.

Ids are `Integer` columns: 32-bit signed on PostgreSQL (64-bit on SQLite), so an id above
2**31 - 1 cannot exist on either engine and is simply not found.
"""
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
MAX_PAGE = 100_000
# Longer digit strings are refused before int() (which is quadratic in the length).
_MAX_DIGITS = 18


class IdConverter(IntegerConverter):
    """The app's `int` URL converter: a path id beyond MAX_ID reaches the view as 0, an id no row
    has, so the view answers as for any unknown id (404, or the sign-in its route asks first).

    Not a refusal to match (a `max`): Werkzeug checks the method before converting, so a PUT
    to /tickets/<huge> would then answer 405 because the GET rule matched the path."""

    def to_python(self, value: str) -> int:
        if len(value) > _MAX_DIGITS:
            return 0
        number = super().to_python(value)
        return number if 0 <= number <= MAX_ID else 0


def install_converters(app) -> None:
    """Before any blueprint registers its rules, so every `<int:…>` uses the bounded converter."""
    app.url_map.converters["int"] = IdConverter


def parse_int(value, low: int, high: int) -> int | None:
    """A whole number from low to high, from a str ("12", " 12 ") or an int (not a bool); None
    for anything else: absent, empty, text, a float, 1e999, NaN, out of range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        if not digits.isascii() or not digits.isdigit() or len(digits) > _MAX_DIGITS:
            return None
        number = int(text)
    else:
        return None
    return number if low <= number <= high else None


def parse_id(value) -> int | None:
    """An id (1 to MAX_ID) or None."""
    return parse_int(value, 1, MAX_ID)


def is_absent(value) -> bool:
    """Nothing was sent: None or an empty / blank string."""
    return value is None or (isinstance(value, str) and not value.strip())


def query_id(value) -> int | None:
    """An id named in a query or form: None when nothing was sent; 0 (an id no row has) when what
    was sent is not an id, so the view's own not-found path answers for it."""
    if is_absent(value):
        return None
    return parse_id(value) or 0
