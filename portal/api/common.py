"""Small pieces every API endpoint uses: routes with `.json`, the JSON body, offset pagination."""
from urllib.parse import urlencode

from flask import jsonify, request
from flask_babel import gettext as _

from ..numbers import MAX_ID, MAX_PAGE, parse_int
from .errors import refuse

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 100


def route(bp, rule: str, **options):
    """Register `rule.json` and `rule` (Zendesk clients send the suffix); url_for builds `.json`."""

    def decorator(view):
        bp.add_url_rule(rule + ".json", view_func=view, **options)
        bp.add_url_rule(rule, view_func=view, **options)
        return view
    return decorator


def json_body(root: str) -> dict:
    """The object under `root` in a JSON body ({"request": {...}}), or a 400/422."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        refuse(400, _("Send a JSON object in the body, with the Content-Type application/json."))
    payload = data.get(root)
    if not isinstance(payload, dict):
        refuse(422, _("The body must hold an object named %(name)s.", name=root))
    return payload


def comment_of(payload: dict) -> dict:
    comment = payload.get("comment")
    if comment is None:
        return {}
    if not isinstance(comment, dict):
        refuse(422, _("The comment must be an object with a body."))
    body = comment.get("body")
    if body is not None and not isinstance(body, str):
        refuse(422, _("The comment must be an object with a body."))
    return comment


def int_arg(name: str, default: int, minimum: int = 1, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    high = maximum if maximum is not None else MAX_ID
    value = parse_int(raw, minimum, high)
    if value is None:
        if parse_int(raw, -(10**18), 10**18) is None:
            refuse(400, _("%(name)s must be a whole number.", name=name))
        refuse(400, _("%(name)s must be between %(low)d and %(high)d.", name=name, low=minimum, high=high))
    return value


def page_args() -> tuple[int, int]:
    return int_arg("page", 1, maximum=MAX_PAGE), int_arg("per_page", DEFAULT_PER_PAGE, maximum=MAX_PER_PAGE)


def _page_url(page: int) -> str:
    args = request.args.copy()
    args["page"] = str(page)
    return request.base_url + "?" + urlencode(list(args.items(multi=True)))


def paged(key: str, items: list, count: int, page: int, per_page: int, **extra):
    """Zendesk's offset pagination: absolute next_page / previous_page, and the total count."""
    return jsonify({
        key: items, **extra,
        "count": count,
        "next_page": _page_url(page + 1) if page * per_page < count else None,
        "previous_page": _page_url(page - 1) if page > 1 else None,
    })


def string_arg(name: str, maximum: int = 200) -> str:
    value = (request.args.get(name) or "").strip()
    if len(value) > maximum:
        refuse(400, _("%(name)s is too long (at most %(max)d characters).", name=name, max=maximum))
    return value
