"""What a result row shows: the user, their role in this brand and their last requests.

A constant number of queries for the whole page: one for the users and roles, one for every
hit's last requests together (a window function, not one query per hit).
"""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..auth.models import User
from ..brands.models import Membership
from ..extensions import db
from ..tickets.models import Ticket

LAST_REQUESTS = 3


@dataclass
class Result:
    user: User
    role: str
    ticket_id: int | None = None
    last_requests: list = field(default_factory=list)


def describe(brand, hits) -> list[Result]:
    ids = [hit.user_id for hit in hits]
    if not ids:
        return []
    rows = db.session.execute(
        select(User, Membership.role).join(Membership, Membership.user_id == User.id)
        .where(Membership.brand_id == brand.id, User.id.in_(ids))
    ).all()
    by_id = {user.id: Result(user, role) for user, role in rows}
    for ticket in last_requests(brand, list(by_id)):
        by_id[ticket.requester_id].last_requests.append(ticket)
    results = []
    for hit in hits:  # keep the ranking; a user who left the brand since indexing drops out
        if hit.user_id in by_id:
            by_id[hit.user_id].ticket_id = hit.ticket_id
            results.append(by_id[hit.user_id])
    return results


def last_requests(brand, user_ids: list[int]) -> list:
    if not user_ids:
        return []
    position = func.row_number().over(partition_by=Ticket.requester_id,
                                      order_by=(Ticket.updated_at.desc(), Ticket.id.desc()))
    ranked = (select(Ticket.id, Ticket.requester_id, Ticket.subject, Ticket.status, Ticket.updated_at,
                     position.label("position"))
              .where(Ticket.brand_id == brand.id, Ticket.requester_id.in_(user_ids)).subquery())
    return db.session.execute(
        select(ranked).where(ranked.c.position <= LAST_REQUESTS)
        .order_by(ranked.c.requester_id, ranked.c.position)
    ).all()
