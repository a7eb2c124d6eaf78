"""Supervisor assistance workflow (DESIGN §6, seed 003): request, accept, chat, cancel, done, expire.

State changes are conditional UPDATEs (`... WHERE status = 'waiting'`), so two supervisors
accepting at once, or an accept racing a cancel, leave exactly one winner in any number of
workers. Expiry is read from `expires_at`; stale rows are swept to `expired` before an insert.
"""
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ..audit.services import record
from ..auth.models import User
from ..brands.models import Group, GroupMember, Membership
from ..database import read_rows
from ..extensions import db
from ..mail import notifications
from ..models_base import utcnow
from ..policy import STAFF_ROLES
from ..brands.models import AgentPreference
from .models import (ASSISTANCE_TTL, STORED_ACTIVE, SUPERVISOR_ONLINE_WINDOW, AssistanceLifecycle,
                     AssistanceMessage, AssistanceNotice, AssistanceRequest)
from ..service_error import ServiceError

MAX_REASON = 500
MAX_MESSAGE = 2000


def _clean_text(body: str, limit: int, empty_message: str) -> str:
    text = (body or "").strip()
    if not text:
        raise ServiceError(422, empty_message)
    if len(text) > limit:
        raise ServiceError(422, _("This is too long (at most %(max)d characters).", max=limit))
    return text


def online_supervisors(brand, group_id: int, now=None, exclude_user_id: int | None = None) -> list[User]:
    """Supervisors of the group, staff of this brand, active, seen in the last five minutes."""
    now = now or utcnow()
    query = (select(User)
             .join(GroupMember, and_(GroupMember.user_id == User.id, GroupMember.group_id == group_id,
                                     GroupMember.is_supervisor.is_(True)))
             .join(Membership, and_(Membership.user_id == User.id, Membership.brand_id == brand.id,
                                    Membership.role.in_(STAFF_ROLES)))
             .where(User.active.is_(True), User.last_seen_at >= now - SUPERVISOR_ONLINE_WINDOW)
             .order_by(User.id))
    if exclude_user_id is not None:
        query = query.where(User.id != exclude_user_id)
    return list(db.session.scalars(query))


class MessageRow(NamedTuple):
    """An assistance line by its values (hashable: lines are rendered once, then cached)."""

    id: int
    kind: str
    author_name: str
    body: str
    created_at: object


@dataclass
class AssistanceView(AssistanceLifecycle):
    """An assistance request as the ticket page shows it: ids, names and its lines."""

    id: int
    group_id: int | None
    group_name: str
    agent_id: int
    agent_name: str
    supervisor_id: int | None
    supervisor_name: str
    status: str
    expires_at: datetime
    messages: list[MessageRow] = field(default_factory=list)


_SUPERVISOR, _AUTHOR = aliased(User), aliased(User)
# Read on every ticket page: built once, one statement of plain rows, one per line.
_REQUESTS_OF = (
    select(AssistanceRequest.id, AssistanceRequest.group_id, Group.name, AssistanceRequest.agent_id, User.name,
           AssistanceRequest.supervisor_id, _SUPERVISOR.name, AssistanceRequest.status,
           AssistanceRequest.expires_at, AssistanceMessage.id, AssistanceMessage.kind, _AUTHOR.name,
           AssistanceMessage.body, AssistanceMessage.created_at)
    .join(User, User.id == AssistanceRequest.agent_id)
    .outerjoin(Group, Group.id == AssistanceRequest.group_id)
    .outerjoin(_SUPERVISOR, _SUPERVISOR.id == AssistanceRequest.supervisor_id)
    .outerjoin(AssistanceMessage, AssistanceMessage.request_id == AssistanceRequest.id)
    .outerjoin(_AUTHOR, _AUTHOR.id == AssistanceMessage.author_id)
    .where(AssistanceRequest.ticket_id == bindparam("ticket_id"))
    .order_by(AssistanceRequest.id.desc(), AssistanceMessage.id))


def requests_of(ticket) -> list[AssistanceView]:
    """Every assistance request on the ticket, newest first, with its lines in order."""
    views: dict[int, AssistanceView] = {}
    rows = read_rows(_REQUESTS_OF, {"ticket_id": ticket.id})
    for (request_id, group_id, group_name, agent_id, agent_name, supervisor_id, supervisor_name, status,
         expires_at, message_id, kind, author_name, body, created_at) in rows:
        view = views.get(request_id)
        if view is None:
            view = views[request_id] = AssistanceView(request_id, group_id, group_name or "", agent_id, agent_name,
                                                      supervisor_id, supervisor_name or "", status, expires_at)
        if message_id is not None:
            view.messages.append(MessageRow(message_id, kind, author_name or "", body, created_at))
    return list(views.values())


def active_request(requests, now=None):
    now = now or utcnow()
    return next((r for r in requests if r.is_active(now)), None)


def _sweep_expired(ticket_id: int, now) -> None:
    stale = list(db.session.scalars(select(AssistanceRequest).where(
        AssistanceRequest.ticket_id == ticket_id, AssistanceRequest.status == "waiting",
        AssistanceRequest.expires_at <= now)))
    for row in stale:
        row.status, row.completed_at = "expired", row.expires_at
        db.session.add(AssistanceMessage(request_id=row.id, kind="expired", created_at=row.expires_at))
        _close_notices(row.id, row.expires_at)


def _close_notices(request_id: int, now) -> None:
    db.session.execute(update(AssistanceNotice)
                       .where(AssistanceNotice.request_id == request_id, AssistanceNotice.closed_at.is_(None))
                       .values(closed_at=now))


def request_assistance(ticket, agent, reason: str, brand) -> AssistanceRequest:
    """Open a request on a ticket routed to a group and notify its online supervisors.
    Who may ask, and on which ticket, the caller asked policy.decide_assistance_request; here
    only what can change between that answer and this write is checked again."""
    text = _clean_text(reason, MAX_REASON, _("Say briefly why you need assistance."))
    now = utcnow()
    _sweep_expired(ticket.id, now)
    if db.session.scalar(select(AssistanceRequest.id).where(
            AssistanceRequest.ticket_id == ticket.id, AssistanceRequest.status.in_(STORED_ACTIVE))):
        raise ServiceError(409, _("An assistance request is already active on this ticket."))
    supervisors = online_supervisors(brand, ticket.group_id, now, exclude_user_id=agent.id)
    if not supervisors:
        raise ServiceError(409, _("No supervisor of this group is online right now. Try again later."))
    assistance = AssistanceRequest(brand_id=brand.id, ticket_id=ticket.id, group_id=ticket.group_id,
                                   agent_id=agent.id, reason=text, status="waiting",
                                   created_at=now, expires_at=now + ASSISTANCE_TTL)
    db.session.add(assistance)
    try:
        db.session.flush()
    except IntegrityError:  # another worker opened one a moment ago
        raise ServiceError(409, _("An assistance request is already active on this ticket.")) from None
    db.session.add(AssistanceMessage(request_id=assistance.id, author_id=agent.id, kind="request",
                                     body=text, created_at=now))
    for supervisor in supervisors:
        db.session.add(AssistanceNotice(request_id=assistance.id, supervisor_id=supervisor.id, created_at=now))
    record("assistance.requested", actor=agent, brand=brand, obj=ticket, request_id=assistance.id,
           notified=[s.id for s in supervisors])
    notifications.assistance_requested(assistance, ticket, agent, [s.id for s in supervisors])
    return assistance


def _transition(assistance, from_statuses, now, **values) -> bool:
    """Move the request on only if it is still in one of `from_statuses` (and not expired)."""
    conditions = [AssistanceRequest.id == assistance.id, AssistanceRequest.status.in_(from_statuses)]
    if "waiting" in from_statuses:
        conditions.append((AssistanceRequest.status != "waiting") | (AssistanceRequest.expires_at > now))
    result = db.session.execute(update(AssistanceRequest).where(*conditions).values(**values))
    return result.rowcount == 1


def _finished_message(assistance, now) -> str:
    status = assistance.effective_status(now)
    if status == "accepted":
        return _("A supervisor has already accepted this request.")
    return _("This assistance request is no longer active.")


def accept_assistance(assistance, supervisor, brand) -> None:
    if supervisor.id == assistance.agent_id:
        raise ServiceError(403, _("You cannot answer your own assistance request."))
    now = utcnow()
    if not _transition(assistance, ("waiting",), now, status="accepted", supervisor_id=supervisor.id,
                       accepted_at=now):
        raise ServiceError(409, _finished_message(assistance, now))
    _close_notices(assistance.id, now)
    db.session.add(AssistanceMessage(request_id=assistance.id, author_id=supervisor.id, kind="accepted",
                                     created_at=now))
    record("assistance.accepted", actor=supervisor, brand=brand, obj=assistance.ticket,
           request_id=assistance.id)


def post_message(assistance, author, body: str) -> AssistanceMessage:
    """A chat line from the agent or the supervisor who accepted, while the request is active."""
    text = _clean_text(body, MAX_MESSAGE, _("Write a message."))
    now = utcnow()
    if not assistance.is_active(now):
        raise ServiceError(409, _("This assistance request is no longer active."))
    if not assistance.involves(author):
        raise ServiceError(403, _("Only the agent and the supervisor who answered can write here."))
    message = AssistanceMessage(request_id=assistance.id, author_id=author.id, kind="message", body=text,
                                created_at=now)
    db.session.add(message)
    return message


def end_assistance(assistance, agent, brand, outcome: str) -> None:
    """The requesting agent cancels (waiting or accepted) or marks done (accepted)."""
    if agent.id != assistance.agent_id:
        raise ServiceError(403, _("Only the agent who asked for assistance can end it."))
    now = utcnow()
    from_statuses = ("waiting", "accepted") if outcome == "cancelled" else ("accepted",)
    if not _transition(assistance, from_statuses, now, status=outcome, completed_at=now):
        if outcome == "done" and assistance.effective_status(now) == "waiting":
            raise ServiceError(409, _("No supervisor has answered yet: cancel the request instead."))
        raise ServiceError(409, _("This assistance request is no longer active."))
    _close_notices(assistance.id, now)
    db.session.add(AssistanceMessage(request_id=assistance.id, author_id=agent.id, kind=outcome, created_at=now))
    record(f"assistance.{outcome}", actor=agent, brand=brand, obj=assistance.ticket, request_id=assistance.id)


def save_preferences(user, play_sound: bool, pop_up: bool, mail_new_in_group: bool | None = None) -> AgentPreference:
    prefs = db.session.get(AgentPreference, user.id)
    if prefs is None:
        prefs = AgentPreference(user_id=user.id, mail_new_in_group=True)
        db.session.add(prefs)
    prefs.play_sound, prefs.pop_up = bool(play_sound), bool(pop_up)
    if mail_new_in_group is not None:
        prefs.mail_new_in_group = bool(mail_new_in_group)
    return prefs
