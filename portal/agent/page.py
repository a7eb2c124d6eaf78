"""What the ticket page shows beside the thread: the form's fields and the assistance panel."""

from .. import policy
from ..access import reason_text
from ..brands.settings import settings_for
from ..models_base import utcnow
from ..tickets import fields as ticket_fields
from . import queries
from .assistance import active_request


def field_views(form, values: dict, posted=None, errors: dict | None = None) -> list:
    """Every field of the form (agent-only ones too), shown or hidden by the agent conditions;
    after a refused post, the posted text is shown again so nothing typed is lost."""
    sent = ticket_fields.posted_fields(form, posted, ticket_fields.AGENT) if posted is not None else None
    return ticket_fields.field_views(form, ticket_fields.AGENT, values, sent, errors)


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
