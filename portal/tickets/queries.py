"""Read queries for request lists and pages: brand-scoped, eager-loaded, a constant query count."""
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload, with_expression

from ..auth.models import User
from ..database import read_rows
from ..extensions import db
from ..numbers import parse_id
from ..brands.models import Membership
from .models import Comment, Draft, FormField, Ticket, TicketCollaborator, TicketFieldValue, TicketForm
from ..statements import statement

# Is the ticket's requester a member of its brand? An invited person who has not accepted is shown
# by e-mail only (DESIGN §2). Lists load it with with_expression(Ticket.requester_is_member, …).
@statement
def requester_is_member():
    return (select(Membership.id).where(Membership.user_id == Ticket.requester_id,
                                        Membership.brand_id == Ticket.brand_id).exists())


PER_PAGE = 25
ACTIVITY_TABS = ("requested", "ccd", "drafts")


@dataclass
class Page:
    """One page of a list, with what templates and the API read (as Flask-SQLAlchemy's)."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return -(-self.total // self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


ACTIVITY_SORTS = ("updated", "created", "subject", "status")


def _activity_order(sort: str) -> tuple:
    """Newest first by date; subject and status alphabetically (ties: newest first)."""
    return {"created": (Ticket.created_at.desc(), Ticket.id.desc()),
            "subject": (func.lower(Ticket.subject), Ticket.id.desc()),
            "status": (Ticket.status, Ticket.updated_at.desc(), Ticket.id.desc())}.get(
        sort, (Ticket.updated_at.desc(), Ticket.id.desc()))


@lru_cache(maxsize=None)
def _activity_statements(tab: str, statuses: str | None, by_subject: bool, sort: str = "updated"):
    """(count, page) statements of one shape of My activities, built once with bound parameters
    (brand_id, person_id, status(es), subject_pattern and number, limit, offset)."""
    if tab == "drafts":
        query = select(Draft).where(Draft.brand_id == bindparam("brand_id"), Draft.user_id == bindparam("person_id"))
        order, eager = (Draft.updated_at.desc(), Draft.id.desc()), joinedload(Draft.form)
    else:
        query = select(Ticket).where(Ticket.brand_id == bindparam("brand_id"), Ticket.is_public.is_(True))
        if tab == "ccd":
            query = query.where(exists().where(TicketCollaborator.ticket_id == Ticket.id,
                                               TicketCollaborator.user_id == bindparam("person_id")))
        else:
            query = query.where(Ticket.requester_id == bindparam("person_id"))
        if statuses == "one":
            query = query.where(Ticket.status == bindparam("status"))
        elif statuses == "several":
            query = query.where(Ticket.status.in_(bindparam("status", expanding=True)))
        if by_subject:  # the words in the subject, or the request's number
            query = query.where(or_(Ticket.subject.ilike(bindparam("subject_pattern"), escape="\\"),
                                    Ticket.id == bindparam("number")))
        order, eager = _activity_order(sort), joinedload(Ticket.requester)
    count = select(func.count()).select_from(query.subquery())
    # The copied-on tab names each requester: by name only once a member, in this one statement.
    options = [eager, with_expression(Ticket.requester_is_member, requester_is_member())] if tab == "ccd" else [eager]
    page = query.options(*options).order_by(*order).limit(bindparam("limit")).offset(bindparam("offset"))
    return count, page


def my_requests(brand, person, tab: str = "requested", status: str | tuple | None = None,
                page: int = 1, per_page: int = PER_PAGE, subject_contains: str | None = None,
                sort: str = "updated") -> Page:
    """My activities: requests I asked for or am copied on (public ones only: a light agent's
    internal-first requests are not in the request portal, §5.1), or my drafts. Two queries.
    `status` may be several (the API's open/solved lists); `subject_contains` searches subjects
    (and "12" or "#12" finds request 12); `sort` is one of ACTIVITY_SORTS."""
    page, per_page = max(page or 1, 1), max(per_page or PER_PAGE, 1)
    statuses = None if tab == "drafts" or not status else ("several" if isinstance(status, tuple) else "one")
    by_subject = bool(subject_contains) and tab != "drafts"
    sort = sort if sort in ACTIVITY_SORTS and tab != "drafts" else "updated"
    count, statement = _activity_statements(tab if tab in ("ccd", "drafts") else "requested", statuses, by_subject,
                                            sort)
    params = {"brand_id": brand.id, "person_id": person.id, "status": list(status) if statuses == "several" else status,
              "limit": per_page, "offset": (page - 1) * per_page}
    if by_subject:
        escaped = subject_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["subject_pattern"] = f"%{escaped}%"
        params["number"] = parse_id(subject_contains.strip().lstrip("#"))
    items = list(db.session.scalars(statement, params))
    return Page(items, db.session.scalar(count, params), page, per_page)


# The request and ticket pages' statements, built once: building a select with its options costs
# more than running it.
@statement
def _request_in_brand():
    return (select(Ticket).where(Ticket.id == bindparam("ticket_id"), Ticket.brand_id == bindparam("brand_id"))
            .options(joinedload(Ticket.collaborators)))


def request_in_brand(brand, ticket_id: int):
    """A ticket of this brand, with what the policy reads (collaborators), or None."""
    return db.session.execute(_request_in_brand(), {"ticket_id": ticket_id, "brand_id": brand.id}).unique().scalar()


@statement
def _assistant():
    return aliased(User)


@statement
def _thread():
    return (select(Comment.id, Comment.ticket_id, Comment.author_id, Comment.body, Comment.is_public,
                   Comment.channel, Comment.assisted_by_id, Comment.created_at,
                   User.name.label("author_name"), _assistant().name.label("assisted_by_name"))
            .join(User, User.id == Comment.author_id)
            .outerjoin(_assistant(), _assistant().id == Comment.assisted_by_id)
            .where(Comment.ticket_id == bindparam("ticket_id")).order_by(Comment.id))


@statement
def _public_thread():
    return _thread().where(Comment.is_public.is_(True))


def thread(ticket, with_internal: bool) -> list:
    """The ticket's comments, oldest first, as plain rows: the comment's columns plus
    `author_name` and `assisted_by_name`. Pages and the API only read a thread, and on long
    threads rows cost a fraction of ORM objects with their authors joined."""
    return read_rows(_thread() if with_internal else _public_thread(), {"ticket_id": ticket.id})


def public_thread(ticket) -> list:
    return thread(ticket, with_internal=False)


@statement
def _field_values():
    return (select(TicketFieldValue).where(TicketFieldValue.ticket_id == bindparam("ticket_id"))
            .options(joinedload(TicketFieldValue.field)))


def field_values_of(ticket) -> list[TicketFieldValue]:
    return list(db.session.scalars(_field_values(), {"ticket_id": ticket.id}))


def form_in_brand(brand, form_id):
    """A form of this brand with its fields and conditions, or None."""
    if form_id is None:
        return None
    return db.session.scalar(select(TicketForm).where(TicketForm.id == form_id, TicketForm.brand_id == brand.id)
                             .options(selectinload(TicketForm.form_fields).joinedload(FormField.field),
                                      selectinload(TicketForm.conditions), joinedload(TicketForm.default_group)))


def portal_forms(brand):
    """Active end-user forms of the brand, in order (the help-centre home)."""
    return list(db.session.scalars(
        select(TicketForm).where(TicketForm.brand_id == brand.id, TicketForm.active.is_(True),
                                 TicketForm.end_user_visible.is_(True))
        .order_by(TicketForm.position, TicketForm.name)))


def draft_of(brand, person, draft_id):
    if draft_id is None:
        return None
    return db.session.scalar(select(Draft).where(Draft.id == draft_id, Draft.brand_id == brand.id,
                                                 Draft.user_id == person.id))
