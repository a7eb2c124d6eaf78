"""What the ticket page shows beside the thread: the form's fields and the assistance panel."""

from .. import policy
from ..access import reason_text
from ..brands.settings import settings_for
from ..models_base import utcnow
from ..tickets import fields as ticket_fields
from . import queries
from .assistance import active_request
from .services import form_fields


def field_views(form, values: dict, posted=None, errors: dict | None = None) -> list:
    """Every field of the form (agent-only ones too), shown or hidden by the agent conditions;
    after a refused post, the posted text is shown again so nothing typed is lost."""
    if form is None:
        return []
    fields = form_fields(form)
    shown = ticket_fields.visible_field_ids(form, fields, values, "agent")
    by_id = {f.id: f for f in fields}
    views = []
    for field in fields:
        name = ticket_fields.input_name(field)
        value = values.get(field.id)
        if posted is not None and name in posted:
            value = posted.getlist(name) if field.field_type == "multiselect" else posted.get(name)
        conditions = [(ticket_fields.input_name(by_id[c.parent_field_id]), c.parent_value)
                      for c in form.conditions
                      if c.audience == "agent" and c.child_field_id == field.id and c.parent_field_id in by_id]
        views.append(ticket_fields.FieldView(
            field=field, name=name, value=value, required=field.required_to_solve,
            visible=field.id in shown, error=(errors or {}).get(field.id), shown_when=conditions))
    return views


def assignee_choices(brand) -> list[tuple]:
    """(id, name, ids of their groups here) of each agent who may be assigned, for the select."""
    return [(agent.id, agent.name, " ".join(map(str, sorted(group_ids))))
            for agent, group_ids in queries.assignable_agents(brand)]


def assistance_state(ticket, requests, user, brand, group_has_supervisor: bool) -> dict:
    """The assistance panel: the active request, the viewer's part in it, and why the button is
    disabled when it is (the server refuses the same cases)."""
    now = utcnow()
    active = active_request(requests, now)
    decision = policy.decide_assistance_request(
        user, brand, ticket, active=active is not None,
        group_has_supervisor=group_has_supervisor)
    disabled_reason = reason_text(decision)
    return {
        "active": active,
        "status": active.effective_status(now) if active else None,
        "disabled_reason": disabled_reason,
        "is_requester": active is not None and active.agent_id == user.id,
        "is_partner": active is not None and active.supervisor_id == user.id,
        "can_accept": (active is not None and active.effective_status(now) == "waiting"
                       and active.agent_id != user.id
                       and policy.can_answer_assistance(user, brand, queries.supervises(user, active.group_id))),
        "enabled": settings_for(brand).supervisor_assistance,
        "last_message_id": max((m.id for r in requests for m in r.messages), default=0),
    }
