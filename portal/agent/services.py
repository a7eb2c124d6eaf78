"""Workspace writes: updating a ticket (with the optimistic version check) and creating one on
behalf of a user. Everything is validated before anything is written; the request's
transaction owner (portal.transaction) commits.

Comments, history lines and the creation itself go through portal.tickets.services, the one
writer of requests; this module adds the workspace's rules (DESIGN §4, §6).
"""
from dataclasses import dataclass, field as dc_field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from .. import policy
from ..auth.invitations import member_or_invite
from ..auth.models import User
from ..actor import Actor
from ..auth.services import ServiceError
from ..extensions import db
from ..mail import notifications
from ..models_base import utcnow
from ..tickets import fields as ticket_fields
from ..tickets.models import PRIORITIES, TICKET_CHANNELS, TYPES, TicketFieldValue
from ..tickets.services import add_comment, apply_status, build_request, check_body, record_event
from .queries import assignable_agents, brand_groups

WORKSPACE_CHANNELS = tuple(c for c in TICKET_CHANNELS if c != "api")


class _Unchanged:
    """A property the update does not touch (not the same as setting it to nothing)."""

    def __repr__(self):
        return "UNCHANGED"


UNCHANGED = _Unchanged()


@dataclass(frozen=True)
class TicketUpdate:
    """What an agent asks to change on a ticket; the workspace form and the API each build one.
    Properties left UNCHANGED are left alone; `fields` holds the raw texts of the fields sent."""

    version: int | None
    status: str | _Unchanged = UNCHANGED
    priority: str | _Unchanged = UNCHANGED
    type: str | _Unchanged = UNCHANGED
    group_id: int | None | _Unchanged = UNCHANGED
    assignee_id: int | None | _Unchanged = UNCHANGED
    fields: dict[int, Any] = dc_field(default_factory=dict)
    body: str = ""
    public: bool = False
    files: tuple = ()  # stored attachments (portal.attachments) for the reply


@dataclass(frozen=True)
class NewTicket:
    """A ticket an agent opens for someone (the workspace's form, or the API's POST /tickets)."""

    requester_email: str
    subject: str | None
    body: str | None
    channel: str = "web"
    priority: str = "normal"
    type: str = "question"
    group_id: int | None = None
    assignee_id: int | None = None
    public: bool = True
    fields: dict[int, Any] = dc_field(default_factory=dict)
    files: tuple = ()  # stored attachments (portal.attachments) for the first comment


def _check_choice(value, choices, message):
    if value not in choices:
        raise ServiceError(422, message)
    return value


def _resolve_assignment(brand, agent, group_id, assignee_id, solving: bool):
    """Check group and assignee together; solving without an assignee assigns the solver if they
    may be assigned. Returns (group, assignee) objects (None allowed)."""
    groups = {g.id: g for g in brand_groups(brand)}
    if group_id is not None and group_id not in groups:
        raise ServiceError(422, _("This group does not exist in this help centre."))
    group = groups.get(group_id)
    agents = {user.id: (user, group_ids) for user, group_ids in assignable_agents(brand)}
    if assignee_id is None and solving:
        entry = agents.get(agent.id)
        if entry and policy.may_be_assigned(policy.role_of(agent, brand), group_id in entry[1], group_id):
            assignee_id = agent.id
        else:
            raise ServiceError(422, _("A solved ticket needs an assignee, and you cannot be assigned "
                                        "because you are not a member of the group %(group)s.",
                                        group=group.name if group else ""))
    if assignee_id is None:
        return group, None
    entry = agents.get(assignee_id)
    if entry is None:
        raise ServiceError(422, _("Only agents of this help centre can be assigned."))
    agent, group_ids = entry
    if not policy.may_be_assigned("agent", group_id in group_ids, group_id):
        raise ServiceError(422, _("%(name)s is not an agent of the group %(group)s.",
                                    name=agent.name, group=group.name))
    return group, db.session.get(User, agent.id)


def update_ticket(ticket, actor: Actor, brand, update: TicketUpdate, current_fields: dict) -> None:
    """Apply the agent's update: status, priority, type, group, assignee, fields and a reply."""
    if update.version is None:
        raise ServiceError(422, _("The form is incomplete. Please reload the page."))
    state = policy.decide_ticket_state(policy.CHANGE_STATUS, ticket)  # closed is final
    if not state:
        raise ServiceError(state.status, _(state.reason))
    if update.version != ticket.version:
        raise _conflict()
    body = update.body.strip()
    changes = _changes(ticket, update, current_fields)
    if not policy.can_change_ticket(actor.person, brand) and (changes or update.public):
        raise ServiceError(403, _("Light agents can only add internal notes."))
    if body or update.files:
        body = check_body(body)  # files come with a message, as in Zendesk
    if not changes and not body:
        raise ServiceError(422, _("There is nothing to update: change something or write a reply."))
    opened = policy.status_on_agent_update(ticket.status)
    if "status" not in changes and opened != ticket.status and policy.can_change_ticket(actor.person, brand):
        changes["status"] = opened
    if changes:
        _validate_and_apply(ticket, actor, brand, changes, current_fields)
    try:
        if body:
            add_comment(ticket, actor, body, public=update.public, files=update.files)
        else:
            ticket.updated_at = utcnow()
        db.session.flush()
    except (ServiceError, StaleDataError) as error:
        if isinstance(error, ServiceError) and not error.details.get("conflict"):
            raise
        raise _conflict() from None


def _conflict() -> ServiceError:
    return ServiceError(409, _("Someone else changed this ticket while you were editing it. "
                               "Check the changes below, then send your update again."), conflict=True)


def _changes(ticket, update: TicketUpdate, current_fields) -> dict:
    """What the update asks to change (properties left UNCHANGED are left alone)."""
    changes = {name: getattr(update, name) for name in ("status", "priority", "type", "group_id", "assignee_id")
               if getattr(update, name) is not UNCHANGED and getattr(update, name) != getattr(ticket, name)}
    check = ticket_fields.check_fields(ticket.form, update.fields, ticket_fields.AGENT, current_fields)
    if check.errors:
        raise ServiceError(422, next(iter(check.errors.values())), field_errors=check.errors)
    new_values = {k: v for k, v in check.values.items() if v != current_fields.get(k)}
    if new_values:
        changes["fields"] = new_values
    return changes


def _validate_and_apply(ticket, actor, brand, changes, current_fields) -> None:
    status = changes.get("status", ticket.status)
    decision = policy.decide_status_change(ticket.status, status)
    if not decision:
        raise ServiceError(decision.status, _(decision.reason))
    _check_choice(changes.get("priority", ticket.priority), PRIORITIES, _("Choose a valid priority."))
    _check_choice(changes.get("type", ticket.type), TYPES, _("Choose a valid type."))
    group_id = changes.get("group_id", ticket.group_id)
    assignee_id = changes.get("assignee_id", ticket.assignee_id)
    if "group_id" in changes and "assignee_id" not in changes and assignee_id is not None:
        # The assignee must belong to the new group; Zendesk clears them, and so do we (recorded).
        member = next((gids for u, gids in assignable_agents(brand) if u.id == assignee_id), frozenset())
        if not policy.may_be_assigned("agent", group_id in member, group_id):
            assignee_id = None
    solving = status == "solved" and ticket.status != "solved"
    group, assignee = _resolve_assignment(brand, actor.person, group_id, assignee_id, solving)
    merged = {**current_fields, **changes.get("fields", {})}
    if solving:
        missing = ticket_fields.missing_to_solve(ticket.form, merged)
        if missing:
            raise ServiceError(422, _("Fill in these fields before solving: %(fields)s.",
                                        fields=", ".join(f.title for f in missing)), field_errors={f.id: _("%(field)s is required to solve.", field=f.title)
                                               for f in missing})
    _apply(ticket, actor, changes, group, assignee, status)


def _apply(ticket, actor, changes, group, assignee, status) -> None:
    for name in ("priority", "type"):
        if name in changes:
            record_event(ticket, actor, name, getattr(ticket, name), changes[name])
            setattr(ticket, name, changes[name])
    routed = (group.id if group else None) != ticket.group_id
    assigned = (assignee.id if assignee else None) != ticket.assignee_id
    if routed:
        record_event(ticket, actor, "group", ticket.group.name if ticket.group else None,
                     group.name if group else None)
        ticket.group_id, ticket.group = (group.id if group else None), group
    if assigned:
        record_event(ticket, actor, "assignee", ticket.assignee.name if ticket.assignee else None,
                     assignee.name if assignee else None)
        ticket.assignee_id, ticket.assignee = (assignee.id if assignee else None), assignee
    if "fields" in changes:
        _write_fields(ticket, actor, changes["fields"])
    if status != ticket.status:
        apply_status(ticket, status, actor)
    notifications.ticket_routed(ticket, actor, group=routed, assignee=assigned)


def _write_fields(ticket, actor, new_values: dict) -> None:
    existing = {v.field_id: v for v in ticket.field_values}
    titles = {f.id: f.title for f in ticket_fields.fields_for(ticket.form, ticket_fields.AGENT)}
    for field_id, value in new_values.items():
        row = existing.get(field_id)
        record_event(ticket, actor, f"field:{titles.get(field_id, field_id)}",
                     row.value if row is not None else None, value)
        if row is None:
            ticket.field_values.append(TicketFieldValue(field_id=field_id, value=value))
        elif value in (None, [], ""):
            ticket.field_values.remove(row)
        else:
            row.value = value


def _requester(brand, agent, email):
    """The member with this e-mail, or the person it invites (DESIGN §2): a ticket may be opened
    for someone who has not accepted yet; the brand then shows them by e-mail only."""
    try:
        requester, _member = member_or_invite(brand, email or "", actor=agent)
    except ServiceError as error:
        raise ServiceError(422, str(error), field_errors={"requester_email": str(error)}) from None
    return requester


def create_on_behalf(brand, actor: Actor, form, new: NewTicket, channels=WORKSPACE_CHANNELS):
    """A ticket for a member of the brand, any form (agent-only ones too), on a chosen channel
    (the API passes its own: channels=("api",))."""
    channel = _check_choice(new.channel, channels, _("Choose a valid channel."))
    priority = _check_choice(new.priority, PRIORITIES, _("Choose a valid priority."))
    kind = _check_choice(new.type, TYPES, _("Choose a valid type."))
    check = ticket_fields.check_fields(form, new.fields, ticket_fields.AGENT)
    if check.errors:
        raise ServiceError(422, next(iter(check.errors.values())), field_errors=check.errors)
    group_id = new.group_id
    if group_id is None and form is not None:
        group_id = form.default_group_id
    if new.assignee_id is not None and not policy.can_change_ticket(actor.person, brand):
        raise ServiceError(403, _("Light agents cannot assign tickets."))
    group, assignee = _resolve_assignment(brand, actor.person, group_id, new.assignee_id, solving=False)
    requester = _requester(brand, actor.person, new.requester_email)
    ticket = build_request(brand, form, requester, actor, new.subject, new.body, check.filled,
                           channel=channel, public=new.public, files=new.files)
    ticket.priority, ticket.type = priority, kind
    ticket.group_id = group.id if group else None
    ticket.assignee_id = assignee.id if assignee else None
    if assignee is not None:
        record_event(ticket, actor, "assignee", None, assignee.name)
    db.session.flush()
    notifications.request_received(ticket, actor)
    return ticket
