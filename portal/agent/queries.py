"""Workspace reads: brand-scoped, eager-loaded, a constant number of queries whatever the page size."""
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from types import SimpleNamespace
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased, joinedload, with_expression

from .. import policy
from ..auth.models import User
from ..brands.models import Group, GroupMember, Membership
from ..database import read_rows
from ..extensions import db
from ..models_base import utcnow
from ..tickets.models import (PRIORITIES, UNSOLVED_STATUSES, FormField, Ticket, TicketCollaborator, TicketEvent,
                              TicketFieldValue, TicketForm)
from ..tickets.queries import requester_is_member as _requester_is_member
from ..tickets.queries import thread  # noqa: F401  (the workspace reads threads the same way)
from ..brands.models import AgentPreference
from .models import Preferences
from ..statements import statement

RECENTLY_SOLVED = timedelta(days=7)
MAX_PER_PAGE = 100
# Counting stops here: an exact count of 500k unsolved tickets costs more than the whole page.
# The tabs show "10000+" and the pager "of 400+".
COUNT_CAP = 10_000
OTHER_REQUESTS_SHOWN = 10

VIEW_TITLES = {
    "mine": _l("My unsolved tickets"),
    "unassigned": _l("Unassigned in my groups"),
    "unsolved": _l("All unsolved tickets"),
    "pending": _l("Pending tickets"),
    "solved": _l("Recently solved"),
    "requested": _l("Requested by me"),
}
SORTS = {"updated": _l("Last update"), "created": _l("Created"), "priority": _l("Priority")}


@dataclass
class Viewer:
    """Who looks at the workspace, read once per request: their groups decide what they see."""

    user: object
    brand: object
    group_ids: frozenset
    sees_all: bool
    is_full_agent: bool
    preferences: Preferences  # the notice switches every workspace page shows

    @property
    def views(self) -> list[str]:
        # Light agents are never assigned, so "my unsolved" would always be empty for them.
        return [v for v in VIEW_TITLES if v != "mine" or self.is_full_agent]


# Statements read by every workspace page are built once, with bound parameters: building a
# select with its options costs more than running it.
@statement
def _viewer():
    return (select(AgentPreference.play_sound, AgentPreference.pop_up, AgentPreference.mail_new_in_group,
                   GroupMember.group_id).select_from(User)
            .outerjoin(AgentPreference, AgentPreference.user_id == User.id)
            .outerjoin(GroupMember, and_(GroupMember.user_id == User.id, GroupMember.group_id.in_(
                select(Group.id).where(Group.brand_id == bindparam("brand_id")).scalar_subquery())))
            .where(User.id == bindparam("user_id")))


def viewer_for(user, brand) -> Viewer:
    """The viewer's groups in this brand and their notice switches, in one statement (a row
    per group here, or one row)."""
    rows = read_rows(_viewer(), {"user_id": user.id, "brand_id": brand.id})
    play_sound, pop_up, mail = rows[0][:3] if rows else (None, None, None)
    preferences = Preferences() if play_sound is None else Preferences(play_sound, pop_up, mail is not False)
    group_ids = frozenset(row[-1] for row in rows if row[-1] is not None)
    return Viewer(user, brand, group_ids, policy.sees_all_workspace_tickets(user, brand),
                  policy.is_full_agent(user, brand), preferences)


# Views' statements are built once per shape (view, sort, who sees what) with bound parameters
# (brand_id, me, group_ids, solved_since, limit, offset): building them cost more than running them.

def _scope_conditions(sees_all: bool, values: dict | None = None) -> list:
    """The tickets a viewer may see; parameters left to bind at execution unless `values` given."""
    def param(name, expanding=False):
        return bindparam(name, values[name], expanding=expanding) if values else bindparam(name, expanding=expanding)

    conditions = [Ticket.brand_id == param("brand_id")]
    if not sees_all:
        conditions.append(or_(Ticket.group_id.in_(param("group_ids", expanding=True)), Ticket.requester_id == param("me")))
    return conditions


def _view_conditions(view: str) -> list:
    return {
        "mine": lambda: [Ticket.assignee_id == bindparam("me"), Ticket.status.in_(UNSOLVED_STATUSES)],
        "unassigned": lambda: [Ticket.assignee_id.is_(None),
                               Ticket.group_id.in_(bindparam("group_ids", expanding=True)),
                               Ticket.status.in_(UNSOLVED_STATUSES)],
        "unsolved": lambda: [Ticket.status.in_(UNSOLVED_STATUSES)],
        "pending": lambda: [Ticket.status == "pending"],
        "solved": lambda: [Ticket.status.in_(("solved", "closed")), Ticket.solved_at >= bindparam("solved_since")],
        "requested": lambda: [Ticket.requester_id == bindparam("me")],
    }[view]()


def _params(viewer: Viewer) -> dict:
    return {"brand_id": viewer.brand.id, "me": viewer.user.id, "group_ids": sorted(viewer.group_ids),
            "solved_since": utcnow() - RECENTLY_SOLVED}


def workspace_scope(viewer: Viewer) -> list:
    """The tickets this viewer may see, values bound: for statements built per call (the API)."""
    return _scope_conditions(viewer.sees_all, _params(viewer))


@lru_cache(maxsize=None)
def _counts_statement(views: tuple, sees_all: bool):
    columns = [
        select(func.count()).select_from(
            select(Ticket.id).where(*_scope_conditions(sees_all), *_view_conditions(view))
            .limit(COUNT_CAP + 1).subquery())
        .scalar_subquery().label(view)
        for view in views
    ]
    return select(*columns)


def view_counts(viewer: Viewer) -> dict[str, int]:
    """Every view's count (up to COUNT_CAP + 1) in one statement; each sub-count reads only its
    own covering index, and at most COUNT_CAP + 1 entries of it."""
    row = db.session.execute(_counts_statement(tuple(viewer.views), viewer.sees_all), _params(viewer)).one()
    return dict(row._mapping)


@lru_cache(maxsize=None)
def _page_ids(view: str, sort: str, sees_all: bool):
    """The ids of one page, walked in order on an index (brand_id, <sort key>, status): no sort
    of the whole view. By priority: the first offset+limit ids of each priority (each its own
    index range, newest first), merged by rank."""
    conditions = [*_scope_conditions(sees_all), *_view_conditions(view)]
    if sort != "priority":
        key = Ticket.created_at if sort == "created" else Ticket.updated_at
        return (select(Ticket.id).where(*conditions).order_by(key.desc(), Ticket.id.desc())
                .limit(bindparam("limit")).offset(bindparam("offset")))
    arms = [select(Ticket.id.label("id"), literal(rank).label("rank"), Ticket.updated_at.label("updated_at"))
            .where(*conditions, Ticket.priority == priority)
            .order_by(Ticket.updated_at.desc(), Ticket.id.desc()).limit(bindparam("arm_limit")).subquery().select()
            for rank, priority in enumerate(PRIORITIES)]
    merged = union_all(*arms).subquery()
    return (select(merged.c.id).order_by(merged.c.rank.desc(), merged.c.updated_at.desc(), merged.c.id.desc())
            .limit(bindparam("limit")).offset(bindparam("offset")))


@statement
def _tickets_by_ids():
    return (select(Ticket).where(Ticket.id.in_(bindparam("ids", expanding=True)))
            .options(joinedload(Ticket.requester), joinedload(Ticket.assignee), joinedload(Ticket.group),
                     with_expression(Ticket.requester_is_member, _requester_is_member())))


def view_page(viewer: Viewer, view: str, sort: str, page: int, per_page: int) -> list[Ticket]:
    """One page in two statements: the ids (ordered and limited on a covering index, no join to
    sort), then those rows with their people and group."""
    offset = (page - 1) * per_page
    ids = list(db.session.scalars(_page_ids(view, sort, viewer.sees_all),
                                  {**_params(viewer), "limit": per_page, "offset": offset,
                                   "arm_limit": offset + per_page}))
    if not ids:
        return []
    by_id = {ticket.id: ticket for ticket in db.session.scalars(_tickets_by_ids(), {"ids": ids})}
    return [by_id[ticket_id] for ticket_id in ids]


# The ticket page (its thread is the help centre's query, internal notes included for agents).

@statement
def _ticket_page():
    return (select(Ticket).where(Ticket.id == bindparam("ticket_id"), Ticket.brand_id == bindparam("brand_id"))
.options(joinedload(Ticket.form).joinedload(TicketForm.form_fields).joinedload(FormField.field),
         joinedload(Ticket.form).joinedload(TicketForm.conditions)))


def ticket_in_brand(brand, ticket_id: int):
    """The ticket with its form (fields and conditions too: the page shows them), in one
    statement; the page reads its people with `ticket_people`."""
    return db.session.execute(_ticket_page(), {"ticket_id": ticket_id, "brand_id": brand.id}).unique().scalar()


@statement
def _submitter():
    return aliased(User)


@statement
def _assistant():
    return aliased(User)


@statement
def _ticket_people():
    return (select(User.name.label("requester_name"), User.email.label("requester_email"),
     User.phone.label("requester_phone"), User.address.label("requester_address"),
     _submitter().name.label("submitter_name"), _assistant().name.label("assisted_by_name"),
     _requester_is_member().label("requester_is_member"),
     # For the assistance button (policy.decide_assistance_request): one statement, not two.
     select(GroupMember.id).where(GroupMember.group_id == Ticket.group_id,
                                  GroupMember.is_supervisor.is_(True)).exists().label("group_has_supervisor"))
    .select_from(Ticket).join(User, User.id == Ticket.requester_id)
    .outerjoin(_submitter(), _submitter().id == Ticket.submitter_id)
    .outerjoin(_assistant(), _assistant().id == Ticket.assisted_by_id)
    .where(Ticket.id == bindparam("ticket_id")))


def ticket_people(ticket, shows_contact: bool):
    """The requester's name and contact, the submitter's and the assisting agent's names, and
    whether the ticket's group has a supervisor. A requester who is no member (invited, not yet
    accepted) is known by e-mail only (DESIGN §2); without shows_contact (policy.person_view:
    light agents) the phone and address never leave this function."""
    people = read_rows(_ticket_people(), {"ticket_id": ticket.id})[0]
    if people.requester_is_member and shows_contact:
        return people
    known = {"requester_name": people.requester_name if people.requester_is_member else people.requester_email}
    return SimpleNamespace(**{**people._mapping, **known, "requester_phone": None, "requester_address": None})


def form_of(ticket, brand):
    """The ticket's form (loaded with it), if it is one of this brand's."""
    return ticket.form if ticket.form is not None and ticket.form.brand_id == brand.id else None


@statement
def _history():
    return (select(TicketEvent.id, TicketEvent.field, TicketEvent.old_value, TicketEvent.new_value,
                   TicketEvent.created_at, TicketEvent.actor_id, User.name.label("actor_name"),
                   _assistant().name.label("assisted_by_name"))
            .outerjoin(User, User.id == TicketEvent.actor_id)
            .outerjoin(_assistant(), _assistant().id == TicketEvent.assisted_by_id)
            .where(TicketEvent.ticket_id == bindparam("ticket_id")).order_by(TicketEvent.id))


def history(ticket) -> list:
    """The ticket's changes, oldest first, as plain rows (the event's columns, `actor_name`,
    `assisted_by_name`; no actor is the system)."""
    return read_rows(_history(), {"ticket_id": ticket.id})


@statement
def _field_values():
    return (select(TicketFieldValue.field_id, TicketFieldValue.value)
            .where(TicketFieldValue.ticket_id == bindparam("ticket_id")))


def field_values(ticket) -> dict[int, object]:
    return dict(read_rows(_field_values(), {"ticket_id": ticket.id}))


@statement
def _other_requests():
    return (select(Ticket.id, Ticket.subject, Ticket.status)
            .where(Ticket.brand_id == bindparam("brand_id"), Ticket.requester_id == bindparam("requester_id"),
                   Ticket.id != bindparam("ticket_id"))
            .order_by(Ticket.updated_at.desc(), Ticket.id.desc()).limit(OTHER_REQUESTS_SHOWN))


@statement
def _other_requests_in_groups():
    return (_other_requests().where(or_(
    Ticket.group_id.in_(bindparam("group_ids", expanding=True)), Ticket.requester_id == bindparam("viewer_id"))))


def other_requests(ticket, viewer: Viewer) -> list:
    """The requester's other tickets the viewer may see (the views' scope), latest first, as
    rows (id, subject, status)."""
    params = {"brand_id": viewer.brand.id, "requester_id": ticket.requester_id, "ticket_id": ticket.id}
    if viewer.sees_all:
        return read_rows(_other_requests(), params)
    return read_rows(_other_requests_in_groups(),
                     {**params, "group_ids": list(viewer.group_ids), "viewer_id": viewer.user.id})


@statement
def _brand_groups():
    return select(Group).where(Group.brand_id == bindparam("brand_id")).order_by(Group.name)


@statement
def _group_choices():
    return select(Group.id, Group.name).where(Group.brand_id == bindparam("brand_id")).order_by(Group.name)


def brand_groups(brand) -> list[Group]:
    return list(db.session.scalars(_brand_groups(), {"brand_id": brand.id}))


def group_choices(brand) -> list:
    """(id, name) of the brand's groups, by name, for a select."""
    return read_rows(_group_choices(), {"brand_id": brand.id})


@statement
def _assignable_agents():
    return (select(User.id, User.name, GroupMember.group_id).join(Membership, Membership.user_id == User.id)
    .outerjoin(GroupMember, and_(GroupMember.user_id == User.id, GroupMember.group_id.in_(
        select(Group.id).where(Group.brand_id == bindparam("brand_id")))))
    .where(Membership.brand_id == bindparam("brand_id"), Membership.role.in_(policy.ASSIGNABLE_ROLES),
 User.active.is_(True)).order_by(User.name, User.id))


class Assignee(NamedTuple):
    id: int
    name: str


def assignable_agents(brand) -> list[tuple[Assignee, frozenset]]:
    """Full agents of the brand (id and name) with the ids of their groups here, by name.
    One statement: an agent in several groups comes once per group."""
    agents: dict[int, tuple[str, set]] = {}
    for user_id, name, group_id in read_rows(_assignable_agents(), {"brand_id": brand.id}):
        _name, group_ids = agents.setdefault(user_id, (name, set()))
        if group_id is not None:
            group_ids.add(group_id)
    return [(Assignee(user_id, name), frozenset(group_ids)) for user_id, (name, group_ids) in agents.items()]


# Facts about a person that the policy is handed (it runs no query of its own).

def supervises(user, group_id) -> bool:
    """Is user a supervisor of this group?"""
    if group_id is None:
        return False
    return db.session.scalar(select(GroupMember.id).where(
        GroupMember.group_id == group_id, GroupMember.user_id == user.id,
        GroupMember.is_supervisor.is_(True)).limit(1)) is not None


def group_ids_of(user, brand) -> frozenset:
    """The user's groups in this brand."""
    return frozenset(db.session.scalars(select(GroupMember.group_id).join(Group, Group.id == GroupMember.group_id)
                                        .where(GroupMember.user_id == user.id, Group.brand_id == brand.id)))


def on_ticket_seen_by(viewer, brand, user_id: int) -> bool:
    """Is user_id the requester, submitter, assignee or a CC of a ticket the viewer sees in the
    workspace (policy.can_view_in_workspace, in SQL)?"""
    on_ticket = or_(Ticket.requester_id == user_id, Ticket.submitter_id == user_id,
                    Ticket.assignee_id == user_id,
                    exists().where(TicketCollaborator.ticket_id == Ticket.id, TicketCollaborator.user_id == user_id))
    scope = [Ticket.brand_id == brand.id]
    if not policy.sees_all_workspace_tickets(viewer, brand):
        scope.append(or_(Ticket.group_id.in_(select(GroupMember.group_id).where(GroupMember.user_id == viewer.id)),
                         Ticket.requester_id == viewer.id))
    return db.session.scalar(select(Ticket.id).where(*scope, on_ticket).limit(1)) is not None


def group_has_supervisor(brand, group_id) -> bool:
    """Does this group of the brand have a supervisor at all (online or not)?"""
    if group_id is None:
        return False
    return db.session.scalar(select(GroupMember.id).join(Group, Group.id == GroupMember.group_id).where(
        GroupMember.group_id == group_id, Group.brand_id == brand.id,
        GroupMember.is_supervisor.is_(True)).limit(1)) is not None
