import base64
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from ..extensions import db
from ..models_base import utcnow
from ..policy import TICKET_STATUSES as STATUSES  # the policy's rules name them; one list
UNSOLVED_STATUSES = ("new", "open", "pending", "hold")
PRIORITIES = ("low", "normal", "high", "urgent")
TYPES = ("question", "incident", "problem", "task")
TICKET_CHANNELS = ("web", "api", "phone", "email", "chat", "in_person", "letter", "social", "other")
FIELD_TYPES = ("text", "textarea", "dropdown", "multiselect", "checkbox", "date", "number")
PORTAL_ACCESS = ("agent_only", "read_only", "editable")
AUDIENCES = ("end_user", "agent")


class TicketForm(db.Model):
    __tablename__ = "ticket_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    end_user_visible: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(default=0)
    default_group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))

    default_group = relationship("Group")
    form_fields = relationship("FormField", back_populates="form", order_by="FormField.position",
                               cascade="all, delete-orphan")
    conditions = relationship("FieldCondition", back_populates="form", cascade="all, delete-orphan")

    @property
    def fields(self):
        return [ff.field for ff in self.form_fields]


class TicketField(db.Model):
    __tablename__ = "ticket_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    field_type: Mapped[str] = mapped_column(String(20), default="text")
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    portal_access: Mapped[str] = mapped_column(String(20), default="editable")
    required_in_portal: Mapped[bool] = mapped_column(Boolean, default=False)
    required_to_solve: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class FormField(db.Model):
    __tablename__ = "form_fields"
    __table_args__ = (UniqueConstraint("form_id", "field_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("ticket_forms.id", ondelete="CASCADE"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("ticket_fields.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)

    form = relationship("TicketForm", back_populates="form_fields")
    field = relationship("TicketField")


class FieldCondition(db.Model):
    """Show child_field only when parent_field == parent_value, for one audience."""

    __tablename__ = "field_conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("ticket_forms.id", ondelete="CASCADE"), index=True)
    parent_field_id: Mapped[int] = mapped_column(ForeignKey("ticket_fields.id", ondelete="CASCADE"))
    parent_value: Mapped[str] = mapped_column(String(200))
    child_field_id: Mapped[int] = mapped_column(ForeignKey("ticket_fields.id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(String(20), default="end_user")

    form = relationship("TicketForm", back_populates="conditions")


def new_reply_token() -> str:
    """160 random bits, lower-case base32 (32 characters): the local part of a reply address
    (`support+{token}@…`) stays within 64 characters and survives servers that fold its case."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").lower()


class Ticket(db.Model):
    __tablename__ = "tickets"
    __table_args__ = (
        # Each workspace view and sort reads one covering index (portal/agent/queries.py).
        Index("ix_tickets_brand_requester_updated", "brand_id", "requester_id", "updated_at"),
        Index("ix_tickets_brand_status_updated", "brand_id", "status", "updated_at"),
        Index("ix_tickets_brand_assignee_updated", "brand_id", "assignee_id", "updated_at", "status", "group_id"),
        Index("ix_tickets_brand_status_solved", "brand_id", "status", "solved_at", "updated_at"),
        Index("ix_tickets_brand_updated_status", "brand_id", "updated_at", "status"),
        Index("ix_tickets_brand_created_status", "brand_id", "created_at", "status"),
        Index("ix_tickets_brand_priority_updated", "brand_id", "priority", "updated_at", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"))
    form_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_forms.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(255))
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    type: Mapped[str] = mapped_column(String(10), default="question")
    status: Mapped[str] = mapped_column(String(10), default="new")
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(20), default="web")
    followup_source_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # True once any comment is public; kept in step by the services so lists need no join.
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    rating: Mapped[str | None] = mapped_column(String(10))  # "good" / "bad"
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # active_history: the listener below needs the previous value even when it was not loaded.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, active_history=True)
    solved_at: Mapped[datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)
    # The secret of this request's reply address in its notifications (portal/mail/notifications):
    # never shown on a page, an export, a log line or an API answer.
    reply_token: Mapped[str | None] = mapped_column(String(32), unique=True, default=new_reply_token)

    __mapper_args__ = {"version_id_col": version}

    brand = relationship("Brand")
    form = relationship("TicketForm")
    requester = relationship("User", foreign_keys=[requester_id])
    submitter = relationship("User", foreign_keys=[submitter_id])
    assisted_by = relationship("User", foreign_keys=[assisted_by_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    group = relationship("Group")
    comments = relationship("Comment", back_populates="ticket", order_by="Comment.id",
                            cascade="all, delete-orphan")
    field_values = relationship("TicketFieldValue", cascade="all, delete-orphan")
    collaborators = relationship("TicketCollaborator", cascade="all, delete-orphan")
    # Whether the requester is a member of the ticket's brand; only lists that show requesters load
    # it (with_expression): an invited person is shown by e-mail until they accept (DESIGN §2).
    requester_is_member = query_expression()


@event.listens_for(Ticket, "before_update")
def _move_updated_at_on(_mapper, _connection, ticket):
    """Every change moves updated_at on, by at least one whole second: the API shows it to the
    second and Zendesk's safe_update compares stamps at that precision, so two changes in one
    second must still show two different stamps."""
    state = inspect(ticket)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    if not changed - {"version"}:
        return
    history = state.attrs.updated_at.history
    before = history.deleted[0] if history.deleted else ticket.updated_at
    moment = history.added[0] if history.added and history.added[0] is not None else utcnow()
    # A time set earlier than before is a deliberate rewrite (data fixes, tests): kept as given.
    if before is not None and moment >= before:
        moment = max(moment, before.replace(microsecond=0) + timedelta(seconds=1))
    ticket.updated_at = moment


class TicketCollaborator(db.Model):
    """A person copied (CC) on a ticket."""

    __tablename__ = "ticket_collaborators"
    __table_args__ = (UniqueConstraint("ticket_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user = relationship("User")


class TicketFieldValue(db.Model):
    __tablename__ = "ticket_field_values"
    __table_args__ = (UniqueConstraint("ticket_id", "field_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("ticket_fields.id", ondelete="CASCADE"))
    value: Mapped[Any] = mapped_column(JSON)

    field = relationship("TicketField")


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_ticket_id_id", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    channel: Mapped[str] = mapped_column(String(20), default="web")
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket = relationship("Ticket", back_populates="comments")
    author = relationship("User", foreign_keys=[author_id])
    assisted_by = relationship("User", foreign_keys=[assisted_by_id])


class TicketEvent(db.Model):
    """History of changes on a ticket: who, what, when, and assisted_by where set."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor = relationship("User", foreign_keys=[actor_id])
    assisted_by = relationship("User", foreign_keys=[assisted_by_id])


class Draft(db.Model):
    """A request form saved unfinished, resumed from My activities."""

    __tablename__ = "drafts"
    __table_args__ = (Index("ix_drafts_brand_user", "brand_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    form_id: Mapped[int] = mapped_column(ForeignKey("ticket_forms.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(255), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assisted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(20), default="web")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    form = relationship("TicketForm")
