"""The polling endpoint of agent.js (issue 4: one query, < 5 ms): it does its whole job in ONE SQL
statement, so it skips the generic per-request loading (brand row, session row, user row; see
`serves_itself` in portal/brands/resolver.py) and writes nothing (polling is not activity; presence
is recorded once a minute by the real pages).

Row sets glued with UNION ALL, all keyed on the session key of the signed cookie and the brand slug
of the URL:
- `brand`: the brand exists (else 404);
- `session`: the session row exists and its person is active (else 401);
- `staff`: that person may use the workspace of this brand (policy.can_use_workspace, written in
  SQL with policy.STAFF_ROLES; else 403); the `viewer` CTE is exactly this row, so
  the notices and lines below can only be the viewer's, in this brand;
- `notice`: the viewer's open notices of requests still waiting (expiry read from expires_at);
- `message`: new lines (id > after) of requests on one ticket where the viewer is the agent or
  the supervisor who accepted.
"""
from flask import g, jsonify, request, session, url_for
from flask_babel import gettext as _
from functools import lru_cache

from sqlalchemy import DateTime, Integer, String, and_, bindparam, cast, literal, null, or_, select, union_all

from ..auth.models import User, UserSession
from ..auth.sessions import SESSION_KEY, limits
from ..brands.models import Brand, Membership
from ..brands.resolver import serves_itself
from ..database import read_rows
from ..models_base import utcnow
from ..numbers import MAX_ID, parse_id, parse_int
from ..policy import STAFF_ROLES
from ..tickets.models import Ticket
from . import bp
from .models import AssistanceMessage, AssistanceNotice, AssistanceRequest


_ROW_COLUMNS = (("request_id", Integer), ("ticket_id", Integer), ("label", String), ("person", String),
                ("body", String), ("created_at", DateTime), ("expires_at", DateTime))


def _marker(name: str, id_column):
    """A bookkeeping row: its name, an id, and NULL for the notice/message columns."""
    return [literal(name, String).label("row"), id_column.label("id"),
            *(cast(null(), kind).label(label) for label, kind in _ROW_COLUMNS)]


def poll_rows(session_key: str, brand_slug: str, now, ticket_id: int | None = None, after_id: int = 0):
    seen_since, created_since = limits(now)  # an expired session reads nothing (DESIGN §13)
    params = {"key": session_key, "slug": brand_slug, "now": now, "seen_since": seen_since,
              "created_since": created_since}
    if ticket_id is not None:
        params.update(ticket_id=ticket_id, after_id=after_id)
    return read_rows(_statement(ticket_id is not None), params)


@lru_cache(maxsize=2)
def _statement(with_messages: bool):
    """Built once per shape with bound parameters: building it costs more than running it."""
    session_key, brand_slug, now = bindparam("key", type_=String), bindparam("slug", type_=String), \
        bindparam("now", type_=DateTime)
    live_session = and_(UserSession.key == session_key,
                        UserSession.last_seen_at >= bindparam("seen_since", type_=DateTime),
                        UserSession.created_at >= bindparam("created_since", type_=DateTime))
    viewer = (
        select(UserSession.user_id.label("user_id"), Brand.id.label("brand_id"))
        .join(User, User.id == UserSession.user_id)
        .join(Membership, Membership.user_id == UserSession.user_id)
        .join(Brand, Brand.id == Membership.brand_id)
        .where(live_session, User.active.is_(True), Brand.slug == brand_slug,
               Membership.role.in_(STAFF_ROLES))
    ).cte("viewer")
    parts = [
        select(*_marker("brand", Brand.id)).where(Brand.slug == brand_slug),
        select(*_marker("session", UserSession.id)).join(User, User.id == UserSession.user_id)
        .where(live_session, User.active.is_(True)),
        select(*_marker("staff", viewer.c.user_id)),
        select(literal("notice", String), AssistanceNotice.id, AssistanceRequest.id, Ticket.id, Ticket.subject,
               User.name, AssistanceRequest.reason, AssistanceRequest.created_at, AssistanceRequest.expires_at)
        .join(viewer, viewer.c.user_id == AssistanceNotice.supervisor_id)
        .join(AssistanceRequest, and_(AssistanceRequest.id == AssistanceNotice.request_id,
                                      AssistanceRequest.brand_id == viewer.c.brand_id))
        .join(Ticket, Ticket.id == AssistanceRequest.ticket_id)
        .join(User, User.id == AssistanceRequest.agent_id)
        .where(AssistanceNotice.closed_at.is_(None), AssistanceRequest.status == "waiting",
               AssistanceRequest.expires_at > now),
    ]
    if with_messages:
        ticket_id, after_id = bindparam("ticket_id", type_=Integer), bindparam("after_id", type_=Integer)
        parts.append(
            select(literal("message", String), AssistanceMessage.id, AssistanceRequest.id,
                   AssistanceRequest.ticket_id, AssistanceMessage.kind, User.name, AssistanceMessage.body,
                   AssistanceMessage.created_at, AssistanceRequest.expires_at)
            .select_from(AssistanceMessage)
            .join(AssistanceRequest, AssistanceRequest.id == AssistanceMessage.request_id)
            .join(viewer, viewer.c.brand_id == AssistanceRequest.brand_id)
            .outerjoin(User, User.id == AssistanceMessage.author_id)
            .where(AssistanceRequest.ticket_id == ticket_id,
                   or_(AssistanceRequest.agent_id == viewer.c.user_id,
                       and_(AssistanceRequest.supervisor_id.is_not(None),
                            AssistanceRequest.supervisor_id == viewer.c.user_id)),
                   AssistanceMessage.id > after_id)
        )
    statement = union_all(*parts).subquery()
    return select(statement).order_by(statement.c.row, statement.c.id)


@bp.get("/poll")
@serves_itself
def poll():
    """Notices and new chat lines for agent.js, as JSON; refusals are JSON too."""
    key = session.get(SESSION_KEY)
    now = utcnow()
    rows = poll_rows(key, g.brand_slug, now, parse_id(request.args.get("ticket_id")),
                     parse_int(request.args.get("after"), 0, MAX_ID) or 0) if key else []
    kinds = {row.row for row in rows}
    if key and "brand" not in kinds:
        return jsonify(error=_("This help centre does not exist.")), 404
    if "session" not in kinds:
        return jsonify(error=_("Please sign in.")), 401
    if "staff" not in kinds:
        return jsonify(error=_("The agent workspace is for the agents of this help centre.")), 403
    notices, messages = [], []
    for row in rows:
        if row.row == "notice":
            notices.append({"request_id": row.request_id, "ticket_id": row.ticket_id, "subject": row.label,
                            "agent": row.person, "reason": row.body,
                            "url": url_for("agent.ticket", brand=g.brand_slug, ticket_id=row.ticket_id)
                            + "#assistance",
                            "expires_at": row.expires_at.isoformat() + "Z"})
        elif row.row == "message":
            messages.append({"id": row.id, "request_id": row.request_id, "kind": row.label,
                             "author": row.person, "body": row.body,
                             "created_at": row.created_at.isoformat() + "Z"})
    return jsonify(notices=notices, messages=messages, now=now.isoformat() + "Z")
