"""The polling endpoint's read: notices and chat lines in ONE statement (issue 4: one query, < 5 ms).

Three row sets are glued with UNION ALL:
- `staff`: present when the viewer is staff of the brand (else the endpoint answers 403);
- `notice`: the viewer's open notices of requests still waiting (expiry read from expires_at);
- `message`: new lines (id > after) of requests on one ticket where the viewer is the agent or
  the supervisor who accepted.
"""
from sqlalchemy import DateTime, Integer, String, and_, cast, literal, null, or_, select, union_all

from ..auth.models import User
from ..brands.models import STAFF_ROLES, Membership
from ..extensions import db
from ..tickets.models import Ticket
from .models import AssistanceMessage, AssistanceNotice, AssistanceRequest


def _typed_null(kind):
    return cast(null(), kind)


def poll_rows(brand, user, now, ticket_id: int | None = None, after_id: int = 0):
    staff = select(
        literal("staff", String).label("row"), Membership.id.label("id"),
        _typed_null(Integer).label("request_id"), _typed_null(Integer).label("ticket_id"),
        _typed_null(String).label("label"), _typed_null(String).label("person"),
        _typed_null(String).label("body"), _typed_null(DateTime).label("created_at"),
        _typed_null(DateTime).label("expires_at"),
    ).where(Membership.user_id == user.id, Membership.brand_id == brand.id, Membership.role.in_(STAFF_ROLES))
    notices = (
        select(literal("notice", String), AssistanceNotice.id, AssistanceRequest.id, Ticket.id, Ticket.subject,
               User.name, AssistanceRequest.reason, AssistanceRequest.created_at, AssistanceRequest.expires_at)
        .join(AssistanceRequest, AssistanceRequest.id == AssistanceNotice.request_id)
        .join(Ticket, Ticket.id == AssistanceRequest.ticket_id)
        .join(User, User.id == AssistanceRequest.agent_id)
        .where(AssistanceNotice.supervisor_id == user.id, AssistanceNotice.closed_at.is_(None),
               AssistanceRequest.brand_id == brand.id, AssistanceRequest.status == "waiting",
               AssistanceRequest.expires_at > now)
    )
    parts = [staff, notices]
    if ticket_id is not None:
        parts.append(
            select(literal("message", String), AssistanceMessage.id, AssistanceRequest.id,
                   AssistanceRequest.ticket_id, AssistanceMessage.kind, User.name, AssistanceMessage.body,
                   AssistanceMessage.created_at, AssistanceRequest.expires_at)
            .join(AssistanceRequest, AssistanceRequest.id == AssistanceMessage.request_id)
            .outerjoin(User, User.id == AssistanceMessage.author_id)
            .where(AssistanceRequest.ticket_id == ticket_id, AssistanceRequest.brand_id == brand.id,
                   or_(AssistanceRequest.agent_id == user.id,
                       and_(AssistanceRequest.supervisor_id.is_not(None),
                            AssistanceRequest.supervisor_id == user.id)),
                   AssistanceMessage.id > after_id)
        )
    statement = union_all(*parts)
    return db.session.execute(select(statement.subquery()).order_by("row", "id")).all()
