"""Ticket fields on a form: which to show, conditions, and cleaning of posted values (DESIGN §4).

Conditions are evaluated here, on the server, for the audience of the page (`end_user` for the
help centre, whoever is looking at it; `agent` for the workspace). A field hidden by a condition is
never required and its posted value is dropped. The browser script only mirrors this.
"""
from dataclasses import dataclass, field as dc_field
from datetime import date
from typing import Any

from flask_babel import gettext as _

from .. import policy
from ..input_filter import single_line

MAX_TEXT = 1_000
MAX_TEXTAREA = 10_000


@dataclass
class FieldView:
    """What a page needs to render one field."""

    field: Any
    name: str
    value: Any = None
    editable: bool = True
    required: bool = False
    visible: bool = True
    error: str | None = None
    # (parent input name, value) pairs: the field shows when any holds (for the browser script).
    shown_when: list[tuple[str, str]] = dc_field(default_factory=list)


def input_name(field) -> str:
    return f"field_{field.id}"


def portal_fields(form, editable_only: bool):
    """Fields of a form that the help centre shows: editable ones on the new-request form,
    read-only and editable ones on a request page; agent-only fields never (§5.3)."""
    check = policy.field_editable_in_portal if editable_only else policy.field_visible_in_portal
    return [f for f in form.fields if f.active and check(f)]


def _matches(value, expected: str) -> bool:
    if isinstance(value, list):
        return expected in value
    if isinstance(value, bool):
        return expected.lower() in (("true", "1", "yes", "on") if value else ("false", "0", "no", "off"))
    return value is not None and str(value) == expected


def visible_field_ids(form, fields, values: dict, audience: str = "end_user") -> set[int]:
    """Ids of `fields` shown for `values`: a field with conditions for this audience shows when a
    condition's parent is itself shown and holds the expected value. Conditions chain."""
    on_page = {f.id for f in fields}
    rules: dict[int, list] = {}
    for condition in form.conditions:
        if condition.audience == audience and condition.child_field_id in on_page:
            rules.setdefault(condition.child_field_id, []).append(condition)
    shown: dict[int, bool] = {}

    def is_shown(field_id: int, seen: frozenset = frozenset()) -> bool:
        if field_id in shown:
            return shown[field_id]
        if field_id in seen:  # a loop of conditions shows nothing
            return False
        conditions = rules.get(field_id)
        if not conditions:
            result = True
        else:
            result = any(
                c.parent_field_id in on_page
                and is_shown(c.parent_field_id, seen | {field_id})
                and _matches(values.get(c.parent_field_id), c.parent_value)
                for c in conditions
            )
        shown[field_id] = result
        return result

    return {f.id for f in fields if is_shown(f.id)}


def clean_value(field, raw) -> Any:
    """Posted text(s) -> stored value, or raise ValueError with a translated message."""
    kind = field.field_type
    if kind == "checkbox":
        return raw in ("1", "on", "true", "yes")
    if kind == "multiselect":
        chosen = [v for v in raw if v]
        unknown = [v for v in chosen if v not in (field.options or [])]
        if unknown:
            raise ValueError(_("%(value)s is not one of the choices.", value=unknown[0][:80]))
        return chosen or None
    # Only a textarea keeps its lines; every other kind is one line.
    text = (raw or "").strip() if kind == "textarea" else single_line(raw)
    if not text:
        return None
    if kind == "dropdown":
        if text not in (field.options or []):
            raise ValueError(_("%(value)s is not one of the choices.", value=text[:80]))
        return text
    if kind == "number":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(_("Please enter a number.")) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError(_("Please enter a number."))
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(_("Please enter a date (YYYY-MM-DD).")) from None
    limit = MAX_TEXTAREA if kind == "textarea" else MAX_TEXT
    if len(text) > limit:
        raise ValueError(_("This is too long (at most %(max)d characters).", max=limit))
    return text


def is_empty(field, value) -> bool:
    """Nothing filled in: an unticked checkbox counts as empty (for required checks)."""
    if field.field_type == "checkbox":
        return value is not True
    return value is None or value == [] or value == ""


def raw_value(field, posted):
    """The posted text of a field (a list for a multiselect), as clean_value reads it."""
    if field.field_type == "multiselect":
        return posted.getlist(input_name(field))
    return posted.get(input_name(field))


def clean_submission(form, posted, audience: str = "end_user", enforce_required: bool = True):
    """Read the editable fields of `form` from `posted` (a MultiDict).

    Returns (values, views): values {field_id: value} for shown, filled fields only — anything
    posted for a field the person may not edit, or hidden by a condition, is ignored; views is the
    list of FieldView for re-rendering, with errors set. Valid when no view has an error.
    """
    fields = portal_fields(form, editable_only=True)
    parsed, errors = {}, {}
    for field in fields:
        try:
            parsed[field.id] = clean_value(field, raw_value(field, posted))
        except ValueError as error:
            parsed[field.id], errors[field.id] = None, str(error)
    shown = visible_field_ids(form, fields, parsed, audience)
    values = {}
    for field in fields:
        if field.id not in shown:
            errors.pop(field.id, None)  # a hidden field's value is dropped, never checked
            continue
        if enforce_required and field.required_in_portal and field.id not in errors \
                and is_empty(field, parsed[field.id]):
            errors[field.id] = _("%(field)s is required.", field=field.title)
        if not is_empty(field, parsed[field.id]) or field.field_type == "checkbox":
            values[field.id] = parsed[field.id]
    views = form_views(form, fields, parsed, audience, shown)
    for view in views:
        view.error = errors.get(view.field.id)
    return values, views


def form_views(form, fields=None, values=None, audience: str = "end_user", shown=None) -> list[FieldView]:
    """FieldViews for the new-request form, prefilled with `values` ({field_id: value})."""
    fields = portal_fields(form, editable_only=True) if fields is None else fields
    values = values or {}
    shown = visible_field_ids(form, fields, values, audience) if shown is None else shown
    by_id = {f.id: f for f in fields}
    views = []
    for field in fields:
        conditions = [(input_name(by_id[c.parent_field_id]), c.parent_value) for c in form.conditions
                      if c.audience == audience and c.child_field_id == field.id and c.parent_field_id in by_id]
        views.append(FieldView(field=field, name=input_name(field), value=values.get(field.id),
                               required=field.required_in_portal, visible=field.id in shown,
                               shown_when=conditions))
    return views


def request_field_values(ticket_values) -> list[tuple[Any, Any]]:
    """(field, value) pairs shown on a help-centre request page: read-only and editable fields."""
    pairs = [(v.field, v.value) for v in ticket_values
             if policy.field_visible_in_portal(v.field) and v.value not in (None, "", [])]
    return sorted(pairs, key=lambda pair: pair[0].id)


def draft_values(data: dict) -> dict[int, Any]:
    """Field values kept in a draft's JSON (keys are strings there)."""
    return {int(k): v for k, v in (data.get("fields") or {}).items() if str(k).isdigit()}
