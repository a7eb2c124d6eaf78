"""Brand-scoped reads for the assist pages: each page runs a fixed number of queries."""
from datetime import timedelta

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..auth.models import User
from ..brands.models import Membership
from ..extensions import db
from ..models_base import utcnow
from ..tickets.models import STATUSES, Ticket
from .models import Interaction

RECENT_LIMIT = 10
DASHBOARD_PERIODS = (7, 30, 90)


def member_or_404(brand, user_id: int) -> User:
    """A member of this brand (any role), or 404: another brand's people do not exist here."""
    user = db.session.scalar(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(User.id == user_id, Membership.brand_id == brand.id)
        .options(selectinload(User.memberships)))
    if user is None:
        abort(404)
    return user


def own_interaction_or_404(brand, agent, interaction_id: int, *, any_agent: bool = False) -> Interaction:
    """An interaction of this brand kept against `agent` (admins: any agent's), or 404."""
    query = (select(Interaction).where(Interaction.id == interaction_id, Interaction.brand_id == brand.id)
             .options(joinedload(Interaction.user), joinedload(Interaction.agent),
                      joinedload(Interaction.brand)))
    if not any_agent:
        query = query.where(Interaction.agent_id == agent.id)
    interaction = db.session.scalar(query)
    if interaction is None:
        abort(404)
    return interaction


def find_member_by_email(brand, email: str | None) -> User | None:
    """A member of this brand by e-mail address, or None."""
    email = (email or "").strip().lower()
    if not email:
        return None
    return db.session.scalar(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(func.lower(User.email) == email, Membership.brand_id == brand.id)
        .options(selectinload(User.memberships)))


def users_by_ids(ids: list[int]) -> dict[int, User]:
    if not ids:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(ids))
                               .options(selectinload(User.memberships)))
    return {user.id: user for user in users}


def find_users(brand, text: str) -> list[tuple[User, int | None]]:
    """Search through the user-search interface (DESIGN §7); a request number finds its requester."""
    from ..search.services import search_users

    hits = search_users(brand, text)
    users = users_by_ids([hit.user_id for hit in hits])
    return [(users[hit.user_id], hit.ticket_id) for hit in hits if hit.user_id in users]


def recent_assisted(brand, agent) -> list[User]:
    """The people this agent assisted lately in this brand, most recent first."""
    latest = (select(Interaction.user_id, func.max(Interaction.started_at).label("last"))
              .where(Interaction.brand_id == brand.id, Interaction.agent_id == agent.id)
              .group_by(Interaction.user_id).order_by(func.max(Interaction.started_at).desc())
              .limit(RECENT_LIMIT)).subquery()
    return list(db.session.scalars(
        select(User).join(latest, latest.c.user_id == User.id).order_by(latest.c.last.desc())
        .options(selectinload(User.memberships))))


def recent_requests(brand, user, limit: int = 5) -> list[Ticket]:
    return list(db.session.scalars(
        select(Ticket).where(Ticket.brand_id == brand.id, Ticket.requester_id == user.id)
        .order_by(Ticket.updated_at.desc()).limit(limit)))


def requests_by_status(brand, user) -> dict[str, list[Ticket]]:
    grouped = {status: [] for status in STATUSES}
    for ticket in db.session.scalars(
            select(Ticket).where(Ticket.brand_id == brand.id, Ticket.requester_id == user.id)
            .options(joinedload(Ticket.assisted_by)).order_by(Ticket.updated_at.desc())):
        grouped[ticket.status].append(ticket)
    return grouped


def interactions_with(brand, user) -> list[Interaction]:
    return list(db.session.scalars(
        select(Interaction).where(Interaction.brand_id == brand.id, Interaction.user_id == user.id)
        .options(joinedload(Interaction.agent)).order_by(Interaction.started_at.desc())))


def interaction_log(brand, agent=None, limit: int = 200) -> list[Interaction]:
    """The timesheet: one agent's entries, or (agent None) everyone's in the brand."""
    query = (select(Interaction).where(Interaction.brand_id == brand.id)
             .options(joinedload(Interaction.user), joinedload(Interaction.agent))
             .order_by(Interaction.started_at.desc()).limit(limit))
    if agent is not None:
        query = query.where(Interaction.agent_id == agent.id)
    return list(db.session.scalars(query))


def dashboard_figures(brand, days: int) -> dict[str, list[tuple[str, float]]]:
    """Time spent (minutes) by agent, service and channel; interactions by outcome. Ended ones only."""
    since = utcnow() - timedelta(days=days)
    scope = (Interaction.brand_id == brand.id, Interaction.ended_at.is_not(None),
             Interaction.started_at >= since)
    minutes = func.sum(Interaction.seconds_spent) / 60.0

    def grouped(column, measure, *extra_keys):
        query = select(column, measure).where(*scope)
        if extra_keys:  # agents are told apart by id, shown by name
            query = query.join(User, User.id == Interaction.agent_id)
        rows = db.session.execute(query.group_by(column, *extra_keys)
                                  .order_by(measure.desc(), column)).all()
        return [(label, float(value or 0)) for label, value in rows]

    return {
        "agent": grouped(User.name, minutes, User.id),
        "service": grouped(Interaction.service, minutes),
        "channel": grouped(Interaction.channel, minutes),
        "outcome": grouped(func.coalesce(Interaction.outcome, ""), func.count(Interaction.id)),
    }
