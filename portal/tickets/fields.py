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


AGENT = "agent"
END_USER = "end_user"


def fields_for(form, audience: str) -> list:
    """The fields a person fills: in the help centre the editable portal fields, in the workspace
    every active field (agent-only ones too)."""
    if form is None:
        return []
    if audience == AGENT:
        return [f for f in form.fields if f.active]
    return portal_fields(form, editable_only=True)


def posted_fields(form, posted, audience: str) -> dict[int, Any]:
    """The HTML form layer: {field_id: posted text(s)} of the fields this page sent.

    A help-centre page holds every field, so one left out was sent empty (an unticked box, an
    empty list). The workspace's update sends only what it shows (a checkbox says so with a
    hidden `__present` input), so a field left out is left alone."""
    sent = {}
    for field in fields_for(form, audience):
        name = input_name(field)
        if audience == AGENT and name not in posted and f"{name}__present" not in posted:
            continue
        sent[field.id] = posted.getlist(name) if field.field_type == "multiselect" else posted.get(name)
    return sent


def _as_raw(field, raw):
    """One shape per kind whoever sent it: a list for a multiselect, else one text."""
    if field.field_type == "multiselect":
        return [] if raw is None else list(raw) if isinstance(raw, list) else [raw]
    if isinstance(raw, list):
        return raw[0] if raw else None
    return raw


@dataclass(frozen=True)
class FieldCheck:
    """Posted field values checked for an audience."""

    values: dict[int, Any]   # the cleaned value of each field sent and shown (None clears it)
    errors: dict[int, str]   # {field_id: translated message}, for shown fields only
    shown: set[int]
    merged: dict[int, Any]   # the values the form holds once this submission is applied

    @property
    def filled(self) -> dict[int, Any]:
        """The values a new request stores: shown and filled in (an unticked box is kept)."""
        return {k: v for k, v in self.merged.items() if k in self.shown and v not in (None, [], "")}


def check_fields(form, sent: dict[int, Any], audience: str, current: dict | None = None,
                 enforce_required: bool = False) -> FieldCheck:
    """The one cleaning path of ticket fields, for the help centre, the workspace and the API.

    `sent`: {field_id: raw text(s)} from whichever layer read the request; `current`: the stored
    values a partial update goes over. A field hidden by a condition of the audience is dropped,
    never checked; `enforce_required` applies the help centre's required fields."""
    fields = fields_for(form, audience)
    merged = {f.id: (current or {}).get(f.id) for f in fields}
    errors = {}
    for field in fields:
        if field.id not in sent:
            continue
        try:
            merged[field.id] = clean_value(field, _as_raw(field, sent[field.id]))
        except ValueError as error:
            merged[field.id], errors[field.id] = None, str(error)
    shown = visible_field_ids(form, fields, merged, audience) if form is not None else set()
    errors = {k: v for k, v in errors.items() if k in shown}
    if enforce_required:
        for field in fields:
            if field.id in shown and field.required_in_portal and field.id not in errors \
                    and is_empty(field, merged[field.id]):
                errors[field.id] = _("%(field)s is required.", field=field.title)
    values = {k: merged[k] for k in sent if k in shown and k in merged}
    return FieldCheck(values=values, errors=errors, shown=shown, merged=merged)


def missing_to_solve(form, values: dict) -> list:
    """Fields required to solve that are shown (agent conditions) and still empty."""
    fields = fields_for(form, AGENT)
    shown = visible_field_ids(form, fields, values, AGENT) if form is not None else set()
    return [f for f in fields if f.required_to_solve and f.id in shown and is_empty(f, values.get(f.id))]


def field_views(form, audience: str, values: dict | None = None, sent: dict | None = None,
                errors: dict | None = None) -> list[FieldView]:
    """What a page renders for each field of the audience, shown or hidden by its conditions
    (the browser script mirrors them) for `values`; after a refused post, `values` are the checked
    ones (FieldCheck.merged) and the texts `sent` are shown again, so nothing typed is lost."""
    fields = fields_for(form, audience)
    if not fields:
        return []
    values, sent, errors = values or {}, sent or {}, errors or {}
    shown = visible_field_ids(form, fields, values, audience)
    by_id = {f.id: f for f in fields}
    views = []
    for field in fields:
        conditions = [(input_name(by_id[c.parent_field_id]), c.parent_value) for c in form.conditions
                      if c.audience == audience and c.child_field_id == field.id and c.parent_field_id in by_id]
        required = field.required_to_solve if audience == AGENT else field.required_in_portal
        views.append(FieldView(field=field, name=input_name(field),
                               value=sent[field.id] if field.id in sent else values.get(field.id),
                               required=required, visible=field.id in shown, error=errors.get(field.id),
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
