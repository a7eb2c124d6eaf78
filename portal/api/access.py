"""Turning the policy's answers into API answers, and loading brand-scoped objects.

The API asks portal.policy exactly as the pages do; only the shape of a refusal differs: a
Zendesk error instead of a page or a redirect to the workspace.
"""
from flask_babel import gettext as _
from flask_login import current_user

from .. import policy
from ..access import reason_text
from ..brands import current_brand
from ..numbers import MAX_ID, parse_id
from ..tickets import queries
from .errors import refuse


def refuse_decision(decision, ticket=None):
    """Staff kept out of the help centre's requests get a 403 saying why; a request that lives
    only in the workspace (a light agent's internal one) is not in the Requests API: 404."""
    if decision.status == 401:
        refuse(401)
    if decision.to_workspace:
        if ticket is not None:
            refuse(404)
        refuse(403, reason_text(decision) or _("Agents manage requests in the agent workspace."))
    refuse(decision.status if decision.status >= 400 else 403, reason_text(decision))


def require(action: str, ticket=None, form=None) -> None:
    decision = policy.decide(current_user, current_brand, action, ticket=ticket, form=form)
    if not decision.allowed:
        refuse_decision(decision, ticket)


def requests_person():
    """The caller, allowed to use the Requests API in this brand (DESIGN §5)."""
    require(policy.USE_REQUESTS)
    return current_user


def load_request(request_id: int, action: str = policy.VIEW_REQUEST):
    ticket = queries.request_in_brand(current_brand, request_id)
    if ticket is None:
        refuse(404)
    require(policy.VIEW_REQUEST, ticket=ticket)
    if action != policy.VIEW_REQUEST:
        require(action, ticket=ticket)
    return ticket


def as_id(value, message: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        refuse(422, message)
    number = parse_id(value)
    if number is None:
        refuse(422, _("Ids are whole numbers from 1 to %(max)d.", max=MAX_ID))
    return number


def custom_field_values(custom_fields) -> dict[int, object]:
    """Zendesk's [{"id": 1, "value": …}] (or {id: value}) as {field_id: raw text(s)}, what
    tickets.fields.check_fields reads from every layer."""
    if custom_fields is None:
        return {}
    if isinstance(custom_fields, dict):
        custom_fields = [{"id": key, "value": value} for key, value in custom_fields.items()]
    message = _("custom_fields must be a list of objects with an id and a value.")
    if not isinstance(custom_fields, list):
        refuse(422, message)
    sent = {}
    for entry in custom_fields:
        field_id = parse_id(entry["id"]) if isinstance(entry, dict) and "id" in entry else None
        if field_id is None:
            refuse(422, message)
        value = entry.get("value")
        texts = [_raw_text(item, message) for item in (value if isinstance(value, list) else [value])]
        sent[field_id] = texts if isinstance(value, list) else texts[0]
    return sent


def _raw_text(item, message: str) -> str:
    if item is True:
        return "1"
    if item is None or item is False:
        return ""
    if isinstance(item, (str, int, float)):
        return str(item)
    refuse(422, message)
