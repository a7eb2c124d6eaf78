"""Read queries for request lists and pages: brand-scoped, eager-loaded, a constant query count."""
from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..auth.models import User
from ..extensions import db
from .models import Comment, Draft, FormField, Ticket, TicketCollaborator, TicketFieldValue, TicketForm

PER_PAGE = 25
ACTIVITY_TABS = ("requested", "ccd", "drafts")


def my_requests(brand, person, tab: str = "requested", status: str | tuple | None = None,
                page: int = 1, per_page: int = PER_PAGE, subject_contains: str | None = None):
    """My activities: requests I asked for or am copied on (public ones only: a light agent's
    internal-first requests are not in the request portal, §5.1), or my drafts. Two queries.
    `status` may be several (the API's open/solved lists); `subject_contains` searches subjects."""
    if tab == "drafts":
        query = (select(Draft).where(Draft.brand_id == brand.id, Draft.user_id == person.id)
                 .options(joinedload(Draft.form)).order_by(Draft.updated_at.desc(), Draft.id.desc()))
        return db.paginate(query, page=page, per_page=per_page, error_out=False)
    query = select(Ticket).where(Ticket.brand_id == brand.id, Ticket.is_public.is_(True))
    if tab == "ccd":
        query = query.where(exists().where(TicketCollaborator.ticket_id == Ticket.id,
                                           TicketCollaborator.user_id == person.id))
    else:
        query = query.where(Ticket.requester_id == person.id)
    if status:
        query = query.where(Ticket.status.in_(status) if isinstance(status, tuple) else Ticket.status == status)
    if subject_contains:
        escaped = subject_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Ticket.subject.ilike(f"%{escaped}%", escape="\\"))
    query = query.options(joinedload(Ticket.requester)).order_by(Ticket.updated_at.desc(), Ticket.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


# The request and ticket pages' statements, built once: building a select with its options costs
# more than running it.
_REQUEST_IN_BRAND = (select(Ticket).where(Ticket.id == bindparam("ticket_id"), Ticket.brand_id == bindparam("brand_id"))
                     .options(joinedload(Ticket.collaborators)))


def request_in_brand(brand, ticket_id: int):
    """A ticket of this brand, with what the policy reads (collaborators), or None."""
    return db.session.execute(_REQUEST_IN_BRAND, {"ticket_id": ticket_id, "brand_id": brand.id}).unique().scalar()


_ASSISTANT = aliased(User)
_THREAD = (select(Comment.id, Comment.ticket_id, Comment.author_id, Comment.body, Comment.is_public,
                  Comment.channel, Comment.assisted_by_id, Comment.created_at,
                  User.name.label("author_name"), _ASSISTANT.name.label("assisted_by_name"))
           .join(User, User.id == Comment.author_id)
           .outerjoin(_ASSISTANT, _ASSISTANT.id == Comment.assisted_by_id)
           .where(Comment.ticket_id == bindparam("ticket_id")).order_by(Comment.id))
_PUBLIC_THREAD = _THREAD.where(Comment.is_public.is_(True))


def thread(ticket, with_internal: bool) -> list:
    """The ticket's comments, oldest first, as plain rows: the comment's columns plus
    `author_name` and `assisted_by_name`. Pages and the API only read a thread, and on long
    threads rows cost a fraction of ORM objects with their authors joined."""
    return db.session.execute(_THREAD if with_internal else _PUBLIC_THREAD, {"ticket_id": ticket.id}).all()


def public_thread(ticket) -> list:
    return thread(ticket, with_internal=False)


_FIELD_VALUES = (select(TicketFieldValue).where(TicketFieldValue.ticket_id == bindparam("ticket_id"))
                 .options(joinedload(TicketFieldValue.field)))


def field_values_of(ticket) -> list[TicketFieldValue]:
    return list(db.session.scalars(_FIELD_VALUES, {"ticket_id": ticket.id}))


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
